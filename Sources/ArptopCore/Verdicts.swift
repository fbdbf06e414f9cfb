/// What the kernel did with one ARP packet (its verdict), the settings behind it, and the
/// one-line answer to "why was it not answered?". Decided in the kernel (arptop.bpf.c,
/// decide_verdict); raw values mirror `enum arptop_verdict` in arptop_abi.h, in order.
public enum ArpVerdict: String, CaseIterable, Codable, Sendable, Comparable, CustomStringConvertible {
    case unknown
    case replied
    case proxyReplied = "proxy_replied"
    case proxyQueued = "proxy_queued"
    case ignoredArpIgnore = "ignored_arp_ignore"
    case ignoredArpFilter = "ignored_arp_filter"
    case notLocal = "not_local"
    case rpFilter = "rp_filter"
    case routeError = "route_error"
    case noNeighbour = "no_neighbour"
    case dropped
    case replyAccepted = "reply_accepted"
    case replyIgnored = "reply_ignored"
    case dadReplied = "dad_replied"
    case dadIgnored = "dad_ignored"
    case garpAccepted = "garp_accepted"
    case garpIgnored = "garp_ignored"

    /// The kernel's `enum arptop_verdict` value.
    public var code: UInt32 { UInt32(Self.allCases.firstIndex(of: self)!) }

    /// The verdict of a kernel value; `unknown` for a value this build does not know.
    public init(code: UInt32) {
        self = code < UInt32(Self.allCases.count) ? Self.allCases[Int(code)] : .unknown
    }

    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.code < b.code }

    /// A request the box did not answer (the operator's question): refused, not ours,
    /// failed, or dropped. A delayed proxy reply is not (it is answered later).
    public var isUnanswered: Bool {
        switch self {
        case .ignoredArpIgnore, .ignoredArpFilter, .notLocal, .rpFilter, .routeError, .noNeighbour,
             .dropped, .dadIgnored: true
        default: false
        }
    }

    /// Whether the verdict carries a reason (see `VerdictKey.reason`).
    public var hasReason: Bool { self == .dropped || self == .routeError || self == .rpFilter }
}

/// Reasons of `ArpVerdict.dropped`; raw values mirror `enum arptop_drop`.
public enum ArpDropReason: Int32, CaseIterable, Sendable {
    case other = 0, noInDevice, malformed, badOp, multicastTarget, loopbackTarget, gratuitous

    public var name: String {
        switch self {
        case .other: "other"
        case .noInDevice: "no_ipv4_config"
        case .malformed: "malformed"
        case .badOp: "unknown_op"
        case .multicastTarget: "multicast_target"
        case .loopbackTarget: "loopback_target"
        case .gratuitous: "gratuitous"
        }
    }

    public init?(name: String) {
        guard let r = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = r
    }
}

/// The name of a verdict's reason: a drop reason, or the route input's return named by the
/// kernel's BTF ("IP_RPFILTER", "EINVAL"...); "" for verdicts without one.
public func verdictReasonName(_ verdict: ArpVerdict, _ reason: Int32, naming: any ReturnValueNaming) -> String {
    switch verdict {
    case .dropped: ArpDropReason(rawValue: reason)?.name ?? String(reason)
    case .routeError, .rpFilter: naming.returnName(reason, of: .ipRouteInputSlow)
    default: ""
    }
}

/// Packets of one verdict on one interface (a row of the kernel's counts, arp_process rows
/// split by verdict). `reason` is kept raw; `reasonName` names it.
public struct VerdictKey: Hashable, Codable, Sendable {
    public var interface: InterfaceID
    public var ifname: String
    public var verdict: ArpVerdict
    public var reason: Int32
    public init(interface: InterfaceID, ifname: String, verdict: ArpVerdict, reason: Int32 = 0) {
        self.interface = interface
        self.ifname = ifname
        self.verdict = verdict
        self.reason = reason
    }
}

/// The interface's effective ARP settings when a packet arrived (device and `all` combined
/// as the kernel combines them), as read in the kernel.
public struct ArpSettings: Equatable, Codable, Sendable {
    public var arpIgnore: UInt8 = 0
    public var arpFilter: UInt8 = 0
    public var arpAccept: UInt8 = 0
    public var arpAnnounce: UInt8 = 0
    public var rpFilter: UInt8 = 0
    public var proxyArp: UInt8 = 0
    public var forwarding: UInt8 = 0
    public var dropGratuitousArp: UInt8 = 0
    public var routeLocalnet: UInt8 = 0
    public var proxyArpPvlan: UInt8 = 0
    public var proxyDelay: UInt8 = 0
    public var noAddress: UInt8 = 0
    public init() {}

    /// The settings by their sysctl names, in a fixed order (for JSON and the why line).
    public var named: [(String, UInt8)] {
        var pairs: [(String, UInt8)] = []
        forEachSetting { key, value in pairs.append((key.description, value)) }
        return pairs
    }

    /// Calls `body` with each setting's sysctl name and value, in `named`'s order.
    func forEachSetting(_ body: (StaticString, UInt8) -> Void) {
        body("arp_ignore", arpIgnore); body("arp_filter", arpFilter); body("arp_accept", arpAccept)
        body("arp_announce", arpAnnounce); body("rp_filter", rpFilter); body("proxy_arp", proxyArp)
        body("forwarding", forwarding); body("drop_gratuitous_arp", dropGratuitousArp)
        body("route_localnet", routeLocalnet); body("proxy_arp_pvlan", proxyArpPvlan)
        body("proxy_delay", proxyDelay); body("no_address", noAddress)
    }

    public init(named values: [String: UInt8]) {
        arpIgnore = values["arp_ignore"] ?? 0
        arpFilter = values["arp_filter"] ?? 0
        arpAccept = values["arp_accept"] ?? 0
        arpAnnounce = values["arp_announce"] ?? 0
        rpFilter = values["rp_filter"] ?? 0
        proxyArp = values["proxy_arp"] ?? 0
        forwarding = values["forwarding"] ?? 0
        dropGratuitousArp = values["drop_gratuitous_arp"] ?? 0
        routeLocalnet = values["route_localnet"] ?? 0
        proxyArpPvlan = values["proxy_arp_pvlan"] ?? 0
        proxyDelay = values["proxy_delay"] ?? 0
        noAddress = values["no_address"] ?? 0
    }
}

/// What the calls nested in one arp_process showed (`ARPTOP_FACT_*` of arptop_abi.h).
public struct PacketFacts: OptionSet, Codable, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let routeInput = Self(rawValue: 1 << 0)
    public static let validate = Self(rawValue: 1 << 1)
    public static let forwardRoute = Self(rawValue: 1 << 2)
    public static let reverseRoute = Self(rawValue: 1 << 3)
    public static let filterRoute = Self(rawValue: 1 << 4)
    public static let confirm = Self(rawValue: 1 << 5)
    public static let confirmed = Self(rawValue: 1 << 6)
    public static let xmit = Self(rawValue: 1 << 7)
    public static let enqueued = Self(rawValue: 1 << 8)
    public static let neighUpdate = Self(rawValue: 1 << 9)
    public static let malformed = Self(rawValue: 1 << 10)
}

/// One packet's verdict with the facts behind it (carried by arp_process events).
public struct PacketVerdict: Equatable, Codable, Sendable {
    public var verdict: ArpVerdict
    public var reason: Int32 = 0
    public var facts: PacketFacts = []
    /// ip_route_input_slow's return (when `facts` has `.routeInput`).
    public var routeReturn: Int32 = 0
    /// fib_validate_source's return (when `facts` has `.validate`).
    public var validateReturn: Int32 = 0
    /// The forward lookup's RTN_* (when `facts` has `.forwardRoute`).
    public var forwardRouteType: UInt32 = 0
    /// The forward route's device: for a local target, the interface holding the address.
    public var forwardIfindex: Int32 = 0
    /// Where the route back to the sender leaves (when `facts` has `.reverseRoute`).
    public var reverseIfindex: Int32 = 0
    public var reverseIfname: String = ""
    /// Where arp_filter's route to the sender leaves, 0 for no route (when `.filterRoute`).
    public var filterIfindex: Int32 = 0
    public var settings = ArpSettings()

    public init(verdict: ArpVerdict) { self.verdict = verdict }
}

extension PacketVerdict {
    /// The one-line answer for an unanswered packet (nil when it was answered or accepted),
    /// built from the kernel's facts only, e.g.
    /// `not answered: rp_filter=1 (strict): the route back to 10.77.0.50 leaves via va, not vc`.
    /// `interfaceName` names an ifindex of the packet's namespace (for the interface holding
    /// the target address); "" when unknown.
    public func why(interface: String, sender: IPv4, target: IPv4, naming: any ReturnValueNaming,
                    interfaceName: (Int32) -> String = { _ in "" }) -> String? {
        let s = settings
        let on = interface.isEmpty ? "this interface" : interface
        switch verdict {
        case .rpFilter:
            let mode = s.rpFilter == 1 ? "strict" : s.rpFilter == 2 ? "loose" : "mode \(s.rpFilter)"
            let back: String
            if facts.contains(.reverseRoute) {
                let via = reverseIfname.isEmpty ? "ifindex \(reverseIfindex)" : reverseIfname
                back = via == on ? "the route back to \(sender) leaves via \(via)" : "the route back to \(sender) leaves via \(via), not \(on)"
            } else {
                back = "no route back to \(sender)"
            }
            return "not answered: rp_filter=\(s.rpFilter) (\(mode)) on \(on): \(back)"
        case .ignoredArpIgnore:
            let rule: String
            switch s.arpIgnore {
            case 1:
                let holder = facts.contains(.forwardRoute) && forwardIfindex != 0 ? interfaceName(forwardIfindex) : ""
                rule = holder.isEmpty || holder == on ? "\(target) is not configured on \(on)" : "\(target) is configured on \(holder)"
            case 2: rule = "\(target) is not configured on \(on) in the subnet of sender \(sender)"
            case 3: rule = "\(target) has host scope"
            case 8: rule = "arp_ignore=8 never replies"
            default: rule = "the address check refused"
            }
            return "not answered: arp_ignore=\(s.arpIgnore) on \(on) and \(rule)"
        case .ignoredArpFilter:
            let via = filterIfindex == 0 ? "there is no route back to \(sender)" : "the route back to \(sender) leaves by ifindex \(filterIfindex), not \(on)"
            return "not answered: arp_filter=1 on \(on) and \(via)"
        case .notLocal:
            var why = "not answered: \(target) is not a local address"
            if s.proxyArp == 0 { why += ", proxy_arp=0" } else if s.forwarding == 0 { why += ", proxy_arp=1 but forwarding=0 on \(on)" } else { why += ", and proxy_arp found no route out another interface" }
            if s.noAddress == 1 { why += " (\(on) has no IPv4 address)" }
            return why
        case .routeError:
            return "not answered: the route input for \(target) from \(sender) failed: \(naming.returnName(reason, of: .ipRouteInputSlow))"
        case .noNeighbour:
            return "not answered: \(target) is local but no neighbour entry could be made for \(sender) (neighbour table full?)"
        case .dropped:
            let r = ArpDropReason(rawValue: reason) ?? .other
            switch r {
            case .gratuitous: return "dropped: gratuitous ARP and drop_gratuitous_arp=1 on \(on)"
            case .loopbackTarget: return "dropped: target \(target) is loopback and route_localnet=0"
            case .multicastTarget: return "dropped: target \(target) is multicast"
            case .noInDevice: return "dropped: \(on) has no IPv4 configuration"
            case .malformed: return "dropped: not an Ethernet/IPv4 ARP packet"
            case .badOp: return "dropped: neither request nor reply"
            case .other: return "dropped by arp_process"
            }
        case .dadIgnored:
            return "not answered: duplicate address probe for \(target), not a local address of \(on) (or arp_ignore=\(s.arpIgnore))"
        case .replyIgnored:
            return "ignored: unsolicited reply from \(sender) and arp_accept=\(s.arpAccept) on \(on)"
        case .garpIgnored:
            return "ignored: gratuitous ARP from \(sender), no entry and arp_accept=\(s.arpAccept) on \(on)"
        case .unknown:
            return "verdict unknown: a call it depends on was not seen"
        default:
            return nil
        }
    }
}

/// One row of verdict counts: packets on one interface with one verdict (and reason).
public struct VerdictRow: Sendable, Equatable {
    public var interface: InterfaceID
    public var ifname: String
    public var verdict: ArpVerdict
    public var reason: Int32
    /// The reason's name ("" when the verdict has none).
    public var reasonName: String
    public var count: UInt64

    public init(interface: InterfaceID, ifname: String, verdict: ArpVerdict, reason: Int32, reasonName: String, count: UInt64) {
        self.interface = interface
        self.ifname = ifname
        self.verdict = verdict
        self.reason = reason
        self.reasonName = reasonName
        self.count = count
    }

    public init(key: VerdictKey, count: UInt64, naming: any ReturnValueNaming) {
        self.init(interface: key.interface, ifname: key.ifname, verdict: key.verdict, reason: key.reason,
                  reasonName: verdictReasonName(key.verdict, key.reason, naming: naming), count: count)
    }

    public var key: VerdictKey { VerdictKey(interface: interface, ifname: ifname, verdict: verdict, reason: reason) }

    /// Netns, ifindex, verdict, reason, name.
    static func inOrder(_ x: VerdictRow, _ y: VerdictRow) -> Bool {
        (x.interface.netns, x.interface.ifindex, x.verdict.code, x.reason, x.ifname)
            < (y.interface.netns, y.interface.ifindex, y.verdict.code, y.reason, y.ifname)
    }

    /// `{"netns":N,"interface":"eth3","ifindex":3,"verdict":"rp_filter","reason":"IP_RPFILTER","count":5}`
    /// (`reason` only for verdicts that have one; `reason_code` its raw value).
    var json: JSONValue {
        var m: [(String, JSONValue)] = [
            ("netns", .int(interface.netns)),
            ("interface", .string(ifname)),
            ("ifindex", .int(interface.ifindex)),
            ("verdict", .string(verdict.rawValue)),
        ]
        if verdict.hasReason { m += [("reason", .string(reasonName)), ("reason_code", .int(reason))] }
        m.append(("count", .int(count)))
        return .object(m)
    }

    init(_ f: JSONFields) throws(RecordFormatError) {
        interface = InterfaceID(netns: try f.integer("netns"), ifindex: try f.integer("ifindex"))
        ifname = try f.string("interface")
        let name = try f.string("verdict")
        guard let v = ArpVerdict(rawValue: name) else {
            throw f.mismatch("verdict", expected: "a verdict name", found: .string(name))
        }
        verdict = v
        reasonName = try f.optionalString("reason") ?? ""
        reason = try f.optionalInteger("reason_code") ?? 0
        count = try f.integer("count")
    }

    static func rows(_ verdicts: [VerdictKey: UInt64], naming: any ReturnValueNaming,
                     where include: (VerdictKey) -> Bool = { _ in true }) -> [VerdictRow] {
        verdicts.filter { $0.value > 0 && include($0.key) }
            .map { VerdictRow(key: $0.key, count: $0.value, naming: naming) }
            .sorted(by: inOrder)
    }
}

extension Aggregator {
    /// Packets by verdict on the interfaces shown (exact, from the kernel's counts).
    public func verdictRows(scope: CountScope = .sinceClear) -> [VerdictRow] {
        guard let latest else { return [] }
        var counts = latest.verdicts
        if scope == .sinceClear, let baseline {
            for (key, count) in baseline.verdicts { counts[key] = (counts[key] ?? 0).subtractingSaturated(count) }
        }
        return VerdictRow.rows(counts, naming: naming) { isShown($0.interface) }
    }
}

/// The names, in the kernel's terms, of the calls an ARP packet went through (for the
/// NDJSON chain and replay).
public struct PacketChainNames: Sendable, Equatable {
    public var routeReturn = ""
    public var forwardRouteType = ""
    public var validateReturn = ""
    public init(routeReturn: String = "", forwardRouteType: String = "", validateReturn: String = "") {
        self.routeReturn = routeReturn
        self.forwardRouteType = forwardRouteType
        self.validateReturn = validateReturn
    }
}

extension ArpVerdict {
    /// The calls arp_process makes that the verdict watches, besides the four probed functions.
    public static let witnesses = ["arp_xmit", "inet_confirm_addr", "pneigh_enqueue", "neigh:neigh_update"]

    /// Why this kernel gives no verdicts (or only `unknown` for requests), from how the four
    /// functions are probed; nil when verdicts are complete.
    public static func unavailableReason(probes: [ProbeStatus]) -> String? {
        func status(_ f: KernelFunction) -> ProbeStatus? { probes.first { $0.function == f } }
        guard let arp = status(.arpProcess), arp.isAttached else {
            return "verdicts need arp_process probed (\(status(.arpProcess)?.reason ?? "not probed"))"
        }
        guard status(.ipRouteInputSlow)?.isAttached == true else {
            return "requests get `unknown`: ip_route_input_slow is not probed"
        }
        guard let fib = status(.fibLookup), fib.isAttached, fib.mechanism != .tracepoint else {
            return "requests get `unknown`: fib_lookup's route type is not seen (\(status(.fibLookup)?.mechanism == .tracepoint ? "tracepoint" : "not probed"))"
        }
        return nil
    }
}
