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
    public func jsonLine(realtimeOffsetNs: Int64?) -> String { jsonValue(realtimeOffsetNs: realtimeOffsetNs).serialized }

    /// The record as one line of compact JSON, without the wall-clock `time`.
    public var jsonLine: String { jsonLine(realtimeOffsetNs: nil) }

    var json: JSONValue { jsonValue(realtimeOffsetNs: nil) }

    func jsonValue(realtimeOffsetNs: Int64?) -> JSONValue {
        let e = event
        var m: [(String, JSONValue)] = [
            ("type", .string("event")),
            ("time_ns", .int(e.timestampNs)),
        ]
        if let time = EventTimes.utcISO8601(e.timestampNs, realtimeOffsetNs: realtimeOffsetNs) { m.append(("time", .string(time))) }
        m += [
            ("cpu", .int(e.cpu)),
            ("function", .string(e.function.name)),
            ("netns", .int(e.interface.netns)),
            ("interface", .string(e.ifname)),
            ("ifindex", .int(e.interface.ifindex)),
            ("return", .int(e.ret)),
            ("return_name", .string(returnName)),
        ]
        switch e.function {
        case .arpProcess:
            m += [
                ("arp_op", ArpOp.json(e.arpOp)),
                ("sender_ip", .string(e.senderIP.description)),
                ("sender_mac", .string(MAC.format(e.senderMAC))),
                ("target_ip", .string(e.targetIP.description)),
                ("no_addr", .bool(e.noAddr)),
                ("no_in_device", .bool(e.noInDevice)),
                ("rp_filter", .int(e.rpFilter)),
            ]
        case .ipRouteInputSlow:
            m += [("daddr", .string(e.daddr.description)), ("saddr", .string(e.saddr.description))]
        case .fibLookup:
            m += [
                ("table", .int(e.tableID)), ("iif", .int(e.iif)), ("oif", .int(e.oif)),
                ("daddr", .string(e.daddr.description)), ("saddr", .string(e.saddr.description)),
            ]
            if e.hasRouteType { m.append(("route_type", .string(routeTypeName ?? String(e.routeType)))) }
        case .fibValidateSource:
            m += [("saddr", .string(e.saddr.description)), ("daddr", .string(e.daddr.description)), ("oif", .int(e.oif))]
        }
        if let p = e.packet { m += packetMembers(p) }
        m.append(("duration_ns", .int(e.durationNs)))
        if e.missingEntry { m.append(("missing_entry", .bool(true))) }
        return .object(m)
    }

    /// The verdict of an arp_process event: verdict, reason, the interface's settings, the
    /// route back to the sender, and the chain of probed calls the packet went through.
    private func packetMembers(_ p: PacketVerdict) -> [(String, JSONValue)] {
        var m: [(String, JSONValue)] = [("verdict", .string(p.verdict.rawValue))]
        if p.verdict.hasReason { m += [("reason", .string(reasonName ?? String(p.reason))), ("reason_code", .int(p.reason))] }
        m.append(("settings", .object(p.settings.named.map { ($0.0, JSONValue.int($0.1)) })))
        var chain: [JSONValue] = []
        let names = chainNames
        if p.facts.contains(.routeInput) {
            chain.append(.object([("function", .string("ip_route_input_slow")), ("return", .int(p.routeReturn)),
                                  ("return_name", .string(names?.routeReturn ?? String(p.routeReturn)))]))
        }
        if p.facts.contains(.forwardRoute) {
            chain.append(.object([("function", .string("fib_lookup")), ("route_type", .string(names?.forwardRouteType ?? String(p.forwardRouteType)))]))
        }
        if p.facts.contains(.validate) {
            chain.append(.object([("function", .string("fib_validate_source")), ("return", .int(p.validateReturn)),
                                  ("return_name", .string(names?.validateReturn ?? String(p.validateReturn)))]))
        }
        if p.facts.contains(.reverseRoute) {
            chain.append(.object([("function", .string("fib_lookup")), ("reverse_route", .bool(true)),
                                  ("ifindex", .int(p.reverseIfindex)), ("interface", .string(p.reverseIfname))]))
        }
        if p.facts.contains(.confirm) {
            chain.append(.object([("function", .string("inet_confirm_addr")), ("confirmed", .bool(p.facts.contains(.confirmed)))]))
        }
        if p.facts.contains(.filterRoute) {
            chain.append(.object([("function", .string("arp_filter")), ("ifindex", .int(p.filterIfindex))]))
        }
        if p.facts.contains(.enqueued) { chain.append(.object([("function", .string("pneigh_enqueue"))])) }
        if p.facts.contains(.xmit) { chain.append(.object([("function", .string("arp_xmit"))])) }
        if p.facts.contains(.neighUpdate) { chain.append(.object([("function", .string("neigh_update"))])) }
        m.append(("chain", .array(chain)))
        m.append(("facts", .int(p.facts.rawValue)))
        if p.facts.contains(.routeInput) { m.append(("route_return", .int(p.routeReturn))) }
        if p.facts.contains(.validate) { m.append(("validate_return", .int(p.validateReturn))) }
        if p.facts.contains(.forwardRoute) {
            m.append(("forward_route_type", .int(p.forwardRouteType)))
            m.append(("forward_ifindex", .int(p.forwardIfindex)))
        }
        if p.facts.contains(.reverseRoute) {
            m.append(("reverse_route", .object([("ifindex", .int(p.reverseIfindex)), ("interface", .string(p.reverseIfname))])))
        }
        if p.facts.contains(.filterRoute) { m.append(("filter_route_ifindex", .int(p.filterIfindex))) }
        return m
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
    static func json(_ op: UInt16) -> JSONValue {
        switch op {
        case 1: .string("request")
        case 2: .string("reply")
        default: .int(op)
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
