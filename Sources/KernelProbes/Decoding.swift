import ArptopABI
import ArptopCore

/// A C `char[N]` (imported as a tuple) up to its first NUL, as UTF-8.
func cString<T>(tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}

/// The bytes of a C `__u8[N]` (imported as a tuple).
func bytes<T>(tuple: T) -> [UInt8] {
    withUnsafeBytes(of: tuple) { Array($0) }
}

extension CountKey {
    /// A row key of the kernel's `counts` map; nil for a function this build does not know.
    init?(_ k: arptop_count_key) {
        guard let function = KernelFunction(rawValue: Int(k.function)) else { return nil }
        self.init(
            function: function,
            interface: InterfaceID(netns: k.netns, ifindex: k.ifindex),
            ifname: cString(tuple: k.ifname),
            ret: k.ret,
            routeType: k.route_type,
            tableID: k.table_id)
    }
}

extension VerdictKey {
    /// The verdict part of an arp_process row of the `counts` map.
    init(_ k: arptop_count_key) {
        self.init(interface: InterfaceID(netns: k.netns, ifindex: k.ifindex), ifname: cString(tuple: k.ifname),
                  verdict: ArpVerdict(code: k.verdict), reason: k.reason)
    }
}

extension ArpSettings {
    init(_ c: arptop_arp_settings) {
        self.init()
        arpIgnore = c.arp_ignore
        arpFilter = c.arp_filter
        arpAccept = c.arp_accept
        arpAnnounce = c.arp_announce
        rpFilter = c.rp_filter
        proxyArp = c.proxy_arp
        forwarding = c.forwarding
        dropGratuitousArp = c.drop_gratuitous_arp
        routeLocalnet = c.route_localnet
        proxyArpPvlan = c.proxy_arp_pvlan
        proxyDelay = c.proxy_delay
        noAddress = c.no_address
    }
}

extension PacketVerdict {
    /// The verdict part of an arp_process event.
    init(_ e: arptop_event) {
        self.init(verdict: ArpVerdict(code: e.verdict))
        reason = e.reason
        facts = PacketFacts(rawValue: e.facts)
        routeReturn = e.route_ret
        validateReturn = e.validate_ret
        forwardRouteType = e.forward_route_type
        forwardIfindex = e.forward_ifindex
        reverseIfindex = e.reverse_ifindex
        reverseIfname = cString(tuple: e.reverse_ifname)
        filterIfindex = e.filter_ifindex
        settings = ArpSettings(e.settings)
    }
}

extension ProbeEvent {
    /// One record of the `events` ring buffer; nil for a function this build does not know.
    public init?(_ e: arptop_event) {
        guard let function = KernelFunction(rawValue: Int(e.function)) else { return nil }
        self.init(
            timestampNs: e.timestamp_ns,
            durationNs: e.duration_ns,
            function: function,
            cpu: e.cpu,
            interface: InterfaceID(netns: e.netns, ifindex: e.ifindex),
            ifname: cString(tuple: e.ifname),
            ret: e.ret,
            routeType: e.route_type,
            hasRouteType: e.flags & UInt32(ARPTOP_EVF_ROUTE_TYPE) != 0,
            missingEntry: e.flags & UInt32(ARPTOP_EVF_NO_ENTRY) != 0,
            tableID: e.table_id,
            arpOp: e.arp_op,
            senderMAC: bytes(tuple: e.sender_mac),
            senderIP: IPv4(raw: e.sender_ip),
            targetIP: IPv4(raw: e.target_ip),
            noAddr: e.flags & UInt32(ARPTOP_EVF_NO_ADDR) != 0,
            noInDevice: e.flags & UInt32(ARPTOP_EVF_NO_INDEV) != 0,
            rpFilter: e.settings.rp_filter,
            daddr: IPv4(raw: e.daddr),
            saddr: IPv4(raw: e.saddr),
            iif: e.iif,
            oif: e.oif,
            packet: e.function == ARPTOP_FN_ARP_PROCESS.rawValue && e.flags & UInt32(ARPTOP_EVF_NO_ENTRY) == 0
                ? PacketVerdict(e) : nil)
    }
}
