/// One logged call, with the names its return value and route type had when recorded.
public struct EventRecord: Sendable, Equatable {
    public var event: ProbeEvent
    public var returnName: String
    /// Set when the event carries a route type.
    public var routeTypeName: String?
    /// arp_process with a verdict: the names of its reason, of the route input's and the
    /// reverse-path check's returns, and of the forward route type (nil when not known).
    public var reasonName: String?
    public var chainNames: PacketChainNames?

    public init(event: ProbeEvent, returnName: String, routeTypeName: String?,
                reasonName: String? = nil, chainNames: PacketChainNames? = nil) {
        self.event = event
        self.returnName = returnName
        self.routeTypeName = routeTypeName
        self.reasonName = reasonName
        self.chainNames = chainNames
    }

    /// Names the event's return value (and route type, and verdict) with `naming`.
    public init(event: ProbeEvent, naming: any ReturnValueNaming) {
        var chain: PacketChainNames?
        var reason: String?
        if let p = event.packet {
            reason = p.verdict.hasReason ? verdictReasonName(p.verdict, p.reason, naming: naming) : nil
            chain = PacketChainNames(
                routeReturn: naming.returnName(p.routeReturn, of: .ipRouteInputSlow),
                forwardRouteType: naming.routeTypeName(p.forwardRouteType),
                validateReturn: naming.returnName(p.validateReturn, of: .fibValidateSource))
        }
        self.init(
            event: event, returnName: naming.returnName(event.ret, of: event.function),
            routeTypeName: event.hasRouteType ? naming.routeTypeName(event.routeType) : nil,
            reasonName: reason, chainNames: chain)
    }

    /// The record as one line of compact JSON, without the trailing newline. With the
    /// stream's `realtimeOffsetNs` (its `attached` record's), the line carries the call's
    /// wall-clock time too (`"time"`, UTC, ISO 8601); a reader ignores it (`time_ns` is the time).
    /// Written straight into bytes (JSONWriter): one line per logged call.
    public func jsonLine(realtimeOffsetNs: Int64?) -> String {
        var w = JSONWriter()
        write(into: &w, realtimeOffsetNs: realtimeOffsetNs)
        return w.text
    }

    /// Appends the line (as `jsonLine(realtimeOffsetNs:)`) and a newline to `out`: what a
    /// recording or `--json` writes, without making a String of it first.
    public func appendJSONLine(to out: inout [UInt8], realtimeOffsetNs: Int64?) {
        var w = JSONWriter()
        write(into: &w, realtimeOffsetNs: realtimeOffsetNs)
        w.newline()
        w.withBytes { out.append(contentsOf: $0) }
    }

    /// The record as one line of compact JSON, without the wall-clock `time`.
    public var jsonLine: String { jsonLine(realtimeOffsetNs: nil) }

    func write(into w: inout JSONWriter, realtimeOffsetNs: Int64?) {
        let e = event
        w.beginObject()
        w.member("type", "event")
        w.member("time_ns", e.timestampNs)
        if let offset = realtimeOffsetNs {
            w.key("time")
            w.utcTime(epochNs: Int64(clamping: e.timestampNs) &+ offset)
        }
        w.member("cpu", e.cpu)
        w.member("function", e.function.name)
        w.member("netns", e.interface.netns)
        w.member("interface", e.ifname)
        w.member("ifindex", e.interface.ifindex)
        w.member("return", e.ret)
        w.member("return_name", returnName)
        switch e.function {
        case .arpProcess:
            w.key("arp_op")
            ArpOp.write(e.arpOp, into: &w)
            w.member("sender_ip", e.senderIP)
            w.key("sender_mac")
            w.mac(e.senderMAC)
            w.member("target_ip", e.targetIP)
            w.member("no_addr", e.noAddr)
            w.member("no_in_device", e.noInDevice)
            w.member("rp_filter", e.rpFilter)
        case .ipRouteInputSlow:
            w.member("daddr", e.daddr)
            w.member("saddr", e.saddr)
        case .fibLookup:
            w.member("table", e.tableID)
            w.member("iif", e.iif)
            w.member("oif", e.oif)
            w.member("daddr", e.daddr)
            w.member("saddr", e.saddr)
            if e.hasRouteType { w.member("route_type", routeTypeName ?? String(e.routeType)) }
        case .fibValidateSource:
            w.member("saddr", e.saddr)
            w.member("daddr", e.daddr)
            w.member("oif", e.oif)
        }
        if let p = e.packet { writePacket(p, into: &w) }
        w.member("duration_ns", e.durationNs)
        if e.missingEntry { w.member("missing_entry", true) }
        w.endObject()
    }

    /// The verdict of an arp_process event: verdict, reason, the interface's settings, the
    /// route back to the sender, and the chain of probed calls the packet went through.
    private func writePacket(_ p: PacketVerdict, into w: inout JSONWriter) {
        w.member("verdict", p.verdict.rawValue)
        if p.verdict.hasReason {
            w.member("reason", reasonName ?? String(p.reason))
            w.member("reason_code", p.reason)
        }
        w.key("settings")
        w.beginObject()
        p.settings.forEachSetting { key, value in w.member(key, value) }
        w.endObject()
        let names = chainNames
        w.key("chain")
        w.beginArray()
        /// A probed call of the chain and its return (named as when recorded).
        func returned(_ function: String, _ ret: Int32, _ name: String?) {
            w.beginObject()
            w.member("function", function)
            w.member("return", ret)
            w.member("return_name", name ?? String(ret))
            w.endObject()
        }
        if p.facts.contains(.routeInput) { returned("ip_route_input_slow", p.routeReturn, names?.routeReturn) }
        if p.facts.contains(.forwardRoute) {
            w.beginObject()
            w.member("function", "fib_lookup")
            w.member("route_type", names?.forwardRouteType ?? String(p.forwardRouteType))
            w.endObject()
        }
        if p.facts.contains(.validate) { returned("fib_validate_source", p.validateReturn, names?.validateReturn) }
        if p.facts.contains(.reverseRoute) {
            w.beginObject()
            w.member("function", "fib_lookup")
            w.member("reverse_route", true)
            w.member("ifindex", p.reverseIfindex)
            w.member("interface", p.reverseIfname)
            w.endObject()
        }
        if p.facts.contains(.confirm) {
            w.beginObject()
            w.member("function", "inet_confirm_addr")
            w.member("confirmed", p.facts.contains(.confirmed))
            w.endObject()
        }
        if p.facts.contains(.filterRoute) {
            w.beginObject()
            w.member("function", "arp_filter")
            w.member("ifindex", p.filterIfindex)
            w.endObject()
        }
        for (fact, function) in [(PacketFacts.enqueued, "pneigh_enqueue"), (.xmit, "arp_xmit"), (.neighUpdate, "neigh_update")]
        where p.facts.contains(fact) {
            w.beginObject()
            w.member("function", function)
            w.endObject()
        }
        w.endArray()
        w.member("facts", p.facts.rawValue)
        if p.facts.contains(.routeInput) { w.member("route_return", p.routeReturn) }
        if p.facts.contains(.validate) { w.member("validate_return", p.validateReturn) }
        if p.facts.contains(.forwardRoute) {
            w.member("forward_route_type", p.forwardRouteType)
            w.member("forward_ifindex", p.forwardIfindex)
        }
        if p.facts.contains(.reverseRoute) {
            w.key("reverse_route")
            w.beginObject()
            w.member("ifindex", p.reverseIfindex)
            w.member("interface", p.reverseIfname)
            w.endObject()
        }
        if p.facts.contains(.filterRoute) { w.member("filter_route_ifindex", p.filterIfindex) }
    }

    /// Decodes the verdict members written by `packetMembers` (nil when the event has none).
    private static func packet(_ f: JSONFields) throws(RecordFormatError) -> (PacketVerdict, String?, PacketChainNames)? {
        guard let name = try f.optionalString("verdict") else { return nil }
        guard let verdict = ArpVerdict(rawValue: name) else { throw f.mismatch("verdict", expected: "a verdict name", found: .string(name)) }
        var p = PacketVerdict(verdict: verdict)
        p.reason = try f.optionalInteger("reason_code") ?? 0
        p.facts = PacketFacts(rawValue: try f.optionalInteger("facts") ?? 0)
        p.routeReturn = try f.optionalInteger("route_return") ?? 0
        p.validateReturn = try f.optionalInteger("validate_return") ?? 0
        p.forwardRouteType = try f.optionalInteger("forward_route_type") ?? 0
        p.forwardIfindex = try f.optionalInteger("forward_ifindex") ?? 0
        if f.value("reverse_route") != nil {
            let r = try f.object("reverse_route")
            p.reverseIfindex = try r.integer("ifindex")
            p.reverseIfname = try r.string("interface")
        }
        p.filterIfindex = try f.optionalInteger("filter_route_ifindex") ?? 0
        if f.value("settings") != nil {
            let s = try f.object("settings")
            var values: [String: UInt8] = [:]
            for (key, _) in ArpSettings().named { values[key] = try s.optionalInteger(key) ?? 0 }
            p.settings = ArpSettings(named: values)
        }
        var names = PacketChainNames()
        for link in try f.objects("chain") {
            switch try link.string("function") {
            case "ip_route_input_slow": names.routeReturn = try link.string("return_name")
            case "fib_validate_source": names.validateReturn = try link.string("return_name")
            case "fib_lookup": if let t = try link.optionalString("route_type") { names.forwardRouteType = t }
            default: break
            }
        }
        return (p, try f.optionalString("reason"), names)
    }

    init(_ f: JSONFields) throws(RecordFormatError) {
        let function = try f.function("function")
        var e = ProbeEvent(
            timestampNs: try f.integer("time_ns"), durationNs: try f.optionalInteger("duration_ns") ?? 0,
            function: function, cpu: try f.integer("cpu"),
            interface: InterfaceID(netns: try f.integer("netns"), ifindex: try f.integer("ifindex")),
            ifname: try f.string("interface"), ret: try f.integer("return"),
            missingEntry: try f.optionalBool("missing_entry") ?? false)
        returnName = try f.string("return_name")
        routeTypeName = nil
        reasonName = nil
        chainNames = nil
        switch function {
        case .arpProcess:
            e.arpOp = try ArpOp.decode(f, "arp_op")
            e.senderIP = try f.ipv4("sender_ip")
            let mac = try f.string("sender_mac")
            guard let bytes = MAC.parse(mac) else { throw f.mismatch("sender_mac", expected: "a MAC address", found: .string(mac)) }
            e.senderMAC = bytes
            e.targetIP = try f.ipv4("target_ip")
            e.noAddr = try f.bool("no_addr")
            e.noInDevice = try f.optionalBool("no_in_device") ?? false
            e.rpFilter = try f.integer("rp_filter")
            if let (packet, reason, names) = try Self.packet(f) {
                e.packet = packet
                reasonName = reason
                chainNames = names
            }
        case .ipRouteInputSlow:
            e.daddr = try f.ipv4("daddr")
            e.saddr = try f.ipv4("saddr")
        case .fibLookup:
            e.tableID = try f.integer("table")
            e.iif = try f.integer("iif")
            e.oif = try f.integer("oif")
            e.daddr = try f.ipv4("daddr")
            e.saddr = try f.ipv4("saddr")
            if let routeType = try f.routeType("route_type") {
                e.routeType = routeType
                e.hasRouteType = true
                routeTypeName = try f.string("route_type")
            }
        case .fibValidateSource:
            e.saddr = try f.ipv4("saddr")
            e.daddr = try f.ipv4("daddr")
            e.oif = try f.integer("oif")
        }
        event = e
    }
}

/// ARP operation codes in JSON: "request", "reply", or the number.
enum ArpOp {
    static func write(_ op: UInt16, into w: inout JSONWriter) {
        switch op {
        case 1: w.string("request")
        case 2: w.string("reply")
        default: w.int(op)
        }
    }

    static func decode(_ f: JSONFields, _ key: String) throws(RecordFormatError) -> UInt16 {
        switch try f.required(key) {
        case .string("request"): return 1
        case .string("reply"): return 2
        case .number: return try f.integer(key)
        case let v: throw f.mismatch(key, expected: "\"request\", \"reply\" or a number", found: v)
        }
    }
}
