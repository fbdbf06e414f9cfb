/// The NDJSON records of the headless output and of recordings: one JSON object per line,
/// `type` first, field names in snake_case. Scripts and replay depend on these names.
///
/// ```
/// {"type":"attached","version":2,"host":"h","kernel":"6.1.0-28-amd64","realtime_offset_ns":1796281920123455789,"root_netns":4026531840,"probes":[...]}
/// {"type":"netns","netns":4026532289,"name":"t1"}
/// {"type":"event","time_ns":1000,"time":"2026-12-03T07:12:00.123456Z","cpu":0,"function":"arp_process",...}
/// {"type":"snapshot","time_ns":2,"counts":[...],"stats":{...}}
/// {"type":"summary","functions":[...],"events_logged":1,"events_dropped":0,"events_sampled":0}
/// ```

/// What is wrong with one record (the reader adds the file and line).
public struct RecordFormatError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One line of an arptop NDJSON stream.
public enum Record: Sendable, Equatable {
    case attached(AttachedRecord)
    case event(EventRecord)
    case snapshot(SnapshotRecord)
    case summary(SummaryRecord)
    /// The `ip netns` name of a namespace, written before the first record that needs it.
    case netns(NetnsRecord)

    /// The format version written in `attached` records; readers refuse newer ones.
    /// 2: `netns` records, the attached record's `root_netns`.
    public static let formatVersion = 2

    /// The record as one line of compact JSON, without the trailing newline.
    public var jsonLine: String { json.serialized }

    /// Decodes one line (without its newline).
    public init(jsonLine: String) throws(RecordFormatError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(jsonLine)
        } catch {
            throw RecordFormatError(error.description)
        }
        try self.init(json: value)
    }

    init(json value: JSONValue) throws(RecordFormatError) {
        let fields = try JSONFields(value)
        let type = try fields.string("type")
        switch type {
        case "attached": self = .attached(try AttachedRecord(fields))
        case "event": self = .event(try EventRecord(fields))
        case "snapshot": self = .snapshot(try SnapshotRecord(fields))
        case "summary": self = .summary(try SummaryRecord(fields))
        case "netns": self = .netns(try NetnsRecord(fields))
        default: throw RecordFormatError("unknown record type \"\(type)\" (this arptop knows attached, event, snapshot, summary, netns)")
        }
    }

    var json: JSONValue {
        switch self {
        case .attached(let r): r.json
        case .event(let r): r.json
        case .snapshot(let r): r.json
        case .summary(let r): r.json
        case .netns(let r): r.json
        }
    }
}

// MARK: - attached

/// Written first: where the recording was made and how each function was probed.
public struct AttachedRecord: Sendable, Equatable {
    /// The record format version (`Record.formatVersion` when written by this arptop).
    public var version: Int
    public var host: String
    /// The kernel release (`uname -r`).
    public var kernel: String
    /// CLOCK_REALTIME − CLOCK_MONOTONIC at attach, in nanoseconds: the `time_ns` of events and
    /// snapshots plus this is wall-clock time (UTC, since the epoch). Nil in recordings made
    /// before arptop wrote it (their times are shown since boot).
    public var realtimeOffsetNs: Int64?
    /// The inode of the initial network namespace; nil in recordings made before version 2
    /// (`NamespaceNames.defaultRootInode` is then assumed).
    public var rootNetns: UInt32?
    public var probes: [ProbeStatus]

    public init(version: Int = Record.formatVersion, host: String, kernel: String, realtimeOffsetNs: Int64? = nil,
                rootNetns: UInt32? = nil, probes: [ProbeStatus]) {
        self.version = version
        self.host = host
        self.kernel = kernel
        self.realtimeOffsetNs = realtimeOffsetNs
        self.rootNetns = rootNetns
        self.probes = probes
    }

    /// How to show this recording's times: the viewer's local wall-clock time when the offset
    /// is known, else time since boot.
    public var clock: EventClock { EventClock(realtimeOffsetNs: realtimeOffsetNs) }

    /// The record as one line of compact JSON, without the trailing newline.
    public var jsonLine: String { json.serialized }

    var json: JSONValue {
        var m: [(String, JSONValue)] = [
            ("type", .string("attached")),
            ("version", .int(version)),
            ("host", .string(host)),
            ("kernel", .string(kernel)),
        ]
        if let realtimeOffsetNs { m.append(("realtime_offset_ns", .int(realtimeOffsetNs))) }
        if let rootNetns { m.append(("root_netns", .int(rootNetns))) }
        m.append(("probes", .array(probes.map(\.json))))
        return .object(m)
    }

    init(_ f: JSONFields) throws(RecordFormatError) {
        version = try f.integer("version")
        guard version <= Record.formatVersion else {
            throw RecordFormatError("format version \(version) is newer than this arptop understands (version \(Record.formatVersion)): use a newer arptop")
        }
        guard version >= 1 else { throw RecordFormatError("field \"version\": \(version) is not a valid format version") }
        host = try f.string("host")
        kernel = try f.string("kernel")
        realtimeOffsetNs = try f.optionalInteger("realtime_offset_ns")
        rootNetns = try f.optionalInteger("root_netns")
        probes = []
        for p in try f.objects("probes") { probes.append(try ProbeStatus(p)) }
    }
}

extension ProbeStatus {
    /// `{"name":..,"attach":"fentry","target":..,"note":..}` or `{"name":..,"attach":"unavailable","reason":..}`.
    var json: JSONValue { .object([("name", .string(function.name))] + attachMembers(noteKey: "note")) }

    /// `attach` and `target`/`note`, or `attach: unavailable` and `reason` (`noteKey` nil leaves notes out).
    func attachMembers(noteKey: String?) -> [(String, JSONValue)] {
        guard let mechanism else {
            return [("attach", .string("unavailable")), ("reason", .string(reason ?? "unknown"))]
        }
        var members: [(String, JSONValue)] = [("attach", .string(mechanism.rawValue))]
        if let target { members.append(("target", .string(target))) }
        if let noteKey, let reason { members.append((noteKey, .string(reason))) }
        return members
    }

    init(_ f: JSONFields) throws(RecordFormatError) {
        let function = try f.function("name")
        let attach = try f.string("attach")
        if attach == "unavailable" {
            self.init(function: function, mechanism: nil, target: nil, reason: try f.string("reason"))
        } else {
            guard let mechanism = AttachMechanism(rawValue: attach) else {
                throw f.mismatch("attach", expected: "fentry, kprobe, tracepoint or unavailable", found: .string(attach))
            }
            self.init(function: function, mechanism: mechanism, target: try f.optionalString("target"), reason: try f.optionalString("note"))
        }
    }
}

// MARK: - netns

/// The `ip netns` name of a network namespace (a file in /run/netns), written when arptop
/// first sees it (or sees it renamed), before the records that need it, so that a replay shows
/// the names the live run showed.
public struct NetnsRecord: Sendable, Equatable {
    public var netns: UInt32
    public var name: String

    public init(netns: UInt32, name: String) {
        self.netns = netns
        self.name = name
    }

    /// The record as one line of compact JSON, without the trailing newline.
    public var jsonLine: String { json.serialized }

    var json: JSONValue {
        .object([("type", .string("netns")), ("netns", .int(netns)), ("name", .string(name))])
    }

    init(_ f: JSONFields) throws(RecordFormatError) {
        netns = try f.integer("netns")
        name = try f.string("name")
        guard !name.isEmpty else { throw RecordFormatError("field \"name\": a namespace name cannot be empty") }
    }
}

extension NamespaceNames {
    /// Learns what a record says about namespaces: the root's inode, a namespace's name.
    public mutating func learn(from record: Record) {
        switch record {
        case .attached(let a): if let r = a.rootNetns { root = r }
        case .netns(let n): learn(netns: n.netns, name: n.name)
        default: break
        }
    }
}

// MARK: - event

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

// MARK: - counts

/// One row of counts: calls of one function on one interface with one return value (and,
/// for fib_lookup, one route type), with the names in effect.
public struct CountRow: Sendable, Equatable {
    public var function: KernelFunction
    public var interface: InterfaceID
    /// The interface name; empty when unknown.
    public var ifname: String
    public var ret: Int32
    public var returnName: String
    /// RTN_* of a successful fib_lookup when known; else 0.
    public var routeType: UInt32
    /// Set exactly when `routeType` is non-zero.
    public var routeTypeName: String?
    public var count: UInt64
    /// fib_lookup: the FIB table (255 local, 254 main, ...); 0 when unknown or another function.
    public var tableID: UInt32 = 0

    public init(
        function: KernelFunction, interface: InterfaceID, ifname: String, ret: Int32, returnName: String,
        routeType: UInt32, routeTypeName: String?, count: UInt64, tableID: UInt32 = 0
    ) {
        self.tableID = tableID
        self.function = function
        self.interface = interface
        self.ifname = ifname
        self.ret = ret
        self.returnName = returnName
        self.routeType = routeType
        self.routeTypeName = routeTypeName
        self.count = count
    }

    /// A row named with `naming`.
    public init(
        function: KernelFunction, interface: InterfaceID, ifname: String, ret: Int32, routeType: UInt32,
        count: UInt64, naming: any ReturnValueNaming, tableID: UInt32 = 0
    ) {
        self.init(
            function: function, interface: interface, ifname: ifname, ret: ret,
            returnName: naming.returnName(ret, of: function), routeType: routeType,
            routeTypeName: routeType != 0 ? naming.routeTypeName(routeType) : nil, count: count, tableID: tableID)
    }

    /// The kernel count-map key this row stands for.
    public var key: CountKey {
        CountKey(function: function, interface: interface, ifname: ifname, ret: ret, routeType: routeType, tableID: tableID)
    }

    /// The deterministic row order: function, netns, ifindex, return, route type, name, then FIB table.
    static func inOrder(_ x: CountRow, _ y: CountRow) -> Bool {
        // Tuples compare up to six elements: the table breaks the remaining ties.
        let a = (x.function, x.interface.netns, x.interface.ifindex, x.ret, x.routeType, x.ifname)
        let b = (y.function, y.interface.netns, y.interface.ifindex, y.ret, y.routeType, y.ifname)
        return a < b || (a == b && x.tableID < y.tableID)
    }

    /// Row members after the optional `function`: netns, interface, ifindex, return, return_name, [route_type], count.
    func json(withFunction: Bool) -> JSONValue {
        var m: [(String, JSONValue)] = withFunction ? [("function", .string(function.name))] : []
        m += [
            ("netns", .int(interface.netns)),
            ("interface", .string(ifname)),
            ("ifindex", .int(interface.ifindex)),
            ("return", .int(ret)),
            ("return_name", .string(returnName)),
        ]
        if routeType != 0 { m.append(("route_type", .string(routeTypeName ?? String(routeType)))) }
        if tableID != 0 { m.append(("table", .int(tableID))) }
        m.append(("count", .int(count)))
        return .object(m)
    }

    /// Decodes a row; `function` is read from the row when nil.
    init(_ f: JSONFields, function: KernelFunction?) throws(RecordFormatError) {
        if let function { self.function = function } else { self.function = try f.function("function") }
        interface = InterfaceID(netns: try f.integer("netns"), ifindex: try f.integer("ifindex"))
        ifname = try f.string("interface")
        ret = try f.integer("return")
        returnName = try f.string("return_name")
        routeType = try f.routeType("route_type") ?? 0
        routeTypeName = routeType != 0 ? try f.string("route_type") : nil
        tableID = try f.optionalInteger("table") ?? 0
        count = try f.integer("count")
    }
}

// MARK: - snapshot

/// The kernel's exact aggregates at one moment, written periodically so that a replay has
/// exact counts. Rows are the raw count-map rows (unfiltered, cumulative since attach).
public struct SnapshotRecord: Sendable, Equatable {
    public var timeNs: UInt64
    /// Sorted by function, netns, ifindex, return, route type, interface name.
    public var rows: [CountRow]
    public var stats: StreamStats
    /// ARP packets by verdict (cumulative since attach); empty where the kernel gives none.
    public var verdicts: [VerdictRow]

    public init(timeNs: UInt64, rows: [CountRow], stats: StreamStats, verdicts: [VerdictRow] = []) {
        self.timeNs = timeNs
        self.rows = rows
        self.stats = stats
        self.verdicts = verdicts
    }

    /// The record of `snapshot`, its rows named with `naming`; `filter` (resolved by the
    /// `Aggregator` that ingested the snapshot) keeps only the rows whose interface passes.
    public init(snapshot: AggregateSnapshot, naming: any ReturnValueNaming, filter: InterfaceFilter = .all) {
        self.init(
            timeNs: snapshot.monotonicNs,
            rows: snapshot.counts.filter { filter.matches($0.key.interface) }.map { key, count in
                CountRow(
                    function: key.function, interface: key.interface, ifname: key.ifname, ret: key.ret,
                    routeType: key.routeType, count: count, naming: naming, tableID: key.tableID)
            }.sorted(by: CountRow.inOrder),
            stats: snapshot.stats,
            verdicts: VerdictRow.rows(snapshot.verdicts, naming: naming) { filter.matches($0.interface) })
    }

    /// The aggregate snapshot the record was made from.
    public var aggregateSnapshot: AggregateSnapshot {
        var counts: [CountKey: UInt64] = [:]
        for row in rows { counts[row.key, default: 0] += row.count }
        var packets: [VerdictKey: UInt64] = [:]
        for row in verdicts { packets[row.key, default: 0] += row.count }
        return AggregateSnapshot(monotonicNs: timeNs, counts: counts, stats: stats, verdicts: packets)
    }

    /// The record as one line of compact JSON, without the trailing newline.
    public var jsonLine: String { json.serialized }

    var json: JSONValue {
        .object([
            ("type", .string("snapshot")),
            ("time_ns", .int(timeNs)),
            ("counts", .array(rows.map { $0.json(withFunction: true) })),
        ] + (verdicts.isEmpty ? [] : [("verdicts", .array(verdicts.map(\.json)))]) + [
            ("stats", .object([
                ("submitted", .int(stats.submitted)),
                ("dropped", .int(stats.dropped)),
                ("sampled", .int(stats.sampled)),
                ("no_entry", .int(stats.noEntry)),
                ("count_failed", .int(stats.countFailed)),
                ("missed", .int(stats.missed)),
                ("missed_exact", .bool(stats.missedExact)),
                ("context_unknown", .int(stats.contextUnknown)),
            ])),
        ])
    }

    init(_ f: JSONFields) throws(RecordFormatError) {
        timeNs = try f.integer("time_ns")
        rows = []
        var seen = Set<CountKey>()
        for r in try f.objects("counts") {
            let row = try CountRow(r, function: nil)
            guard seen.insert(row.key).inserted else { throw RecordFormatError("\(r.path): the same count row appears twice") }
            rows.append(row)
        }
        verdicts = f.value("verdicts") == nil ? [] : try f.objects("verdicts").map { (v: JSONFields) throws(RecordFormatError) in try VerdictRow(v) }
        let s = try f.object("stats")
        stats = StreamStats()
        stats.submitted = try s.integer("submitted")
        stats.dropped = try s.integer("dropped")
        stats.sampled = try s.integer("sampled")
        stats.noEntry = try s.integer("no_entry")
        stats.countFailed = try s.optionalInteger("count_failed") ?? 0
        stats.missed = try s.optionalInteger("missed") ?? 0
        stats.missedExact = try s.optionalBool("missed_exact") ?? true
        stats.contextUnknown = try s.optionalInteger("context_unknown") ?? 0
    }
}

// MARK: - summary

/// One function's part of the summary.
public struct FunctionSummary: Sendable, Equatable {
    /// How the function was probed (notes are not part of the summary).
    public var status: ProbeStatus
    /// The sum of `rows`' counts.
    public var calls: UInt64
    public var rows: [CountRow]

    public init(status: ProbeStatus, rows: [CountRow]) {
        self.status = status
        self.rows = rows
        calls = rows.reduce(0) { $0 + $1.count }
    }

    public var function: KernelFunction { status.function }
}

/// The final record: per-function counts (through the interface filter) and stream totals.
public struct SummaryRecord: Sendable, Equatable {
    /// One entry per function, in pane order.
    public var functions: [FunctionSummary]
    /// Events put into the ring buffer.
    public var eventsLogged: UInt64
    /// Events lost because the ring buffer was full.
    public var eventsDropped: UInt64
    /// Events left out by the log rate limit.
    public var eventsSampled: UInt64
    /// Program runs the kernel skipped (see `StreamStats.missed`), and whether the kernel
    /// counts every kind of skip (else the counts are lower bounds).
    public var runsMissed: UInt64 = 0
    public var runsMissedExact: Bool = true
    /// ARP packets by verdict, through the interface filter (empty where the kernel gives none).
    public var verdicts: [VerdictRow] = []

    public init(functions: [FunctionSummary], eventsLogged: UInt64, eventsDropped: UInt64, eventsSampled: UInt64,
                runsMissed: UInt64 = 0, runsMissedExact: Bool = true, verdicts: [VerdictRow] = []) {
        self.verdicts = verdicts
        self.runsMissed = runsMissed
        self.runsMissedExact = runsMissedExact
        self.functions = functions
        self.eventsLogged = eventsLogged
        self.eventsDropped = eventsDropped
        self.eventsSampled = eventsSampled
    }

    /// The record as one line of compact JSON, without the trailing newline.
    public var jsonLine: String { json.serialized }

    var json: JSONValue {
        .object([
            ("type", .string("summary")),
            ("functions", .array(functions.map { fs in
                .object(
                    [("name", .string(fs.function.name))] + fs.status.attachMembers(noteKey: nil) + [
                        ("calls", .int(fs.calls)),
                        ("counts", .array(fs.rows.map { $0.json(withFunction: false) })),
                    ])
            })),
            ("events_logged", .int(eventsLogged)),
            ("events_dropped", .int(eventsDropped)),
            ("events_sampled", .int(eventsSampled)),
            ("runs_missed", .int(runsMissed)),
            ("runs_missed_exact", .bool(runsMissedExact)),
        ] + (verdicts.isEmpty ? [] : [("verdicts", .array(verdicts.map(\.json)))]))
    }

    init(_ f: JSONFields) throws(RecordFormatError) {
        functions = []
        for entry in try f.objects("functions") {
            let status = try ProbeStatus(entry)  // a summary carries no notes: reason stays nil when attached
            var rows: [CountRow] = []
            for r in try entry.objects("counts") { rows.append(try CountRow(r, function: status.function)) }
            var summary = FunctionSummary(status: status, rows: rows)
            summary.calls = try entry.integer("calls")
            functions.append(summary)
        }
        eventsLogged = try f.integer("events_logged")
        eventsDropped = try f.integer("events_dropped")
        eventsSampled = try f.optionalInteger("events_sampled") ?? 0
        runsMissed = try f.optionalInteger("runs_missed") ?? 0
        runsMissedExact = try f.optionalBool("runs_missed_exact") ?? true
        verdicts = f.value("verdicts") == nil ? [] : try f.objects("verdicts").map { (v: JSONFields) throws(RecordFormatError) in try VerdictRow(v) }
    }
}

extension Aggregator {
    /// The summary of what the aggregator shows: every function in pane order (a function
    /// missing from `probes` is reported unavailable), rows through the interface filter.
    /// `eventsLogged` defaults to the kernel's count of events submitted to the ring buffer;
    /// pass the number of event records actually written when a filter leaves some out.
    public func summary(probes: [ProbeStatus], scope: CountScope = .sinceAttach, eventsLogged: UInt64? = nil) -> SummaryRecord {
        let stats = stats(scope: scope)
        return SummaryRecord(
            functions: KernelFunction.allCases.map { function in
                var status = probes.first(where: { $0.function == function })
                    ?? ProbeStatus(function: function, mechanism: nil, target: nil, reason: "not probed")
                if status.isAttached { status.reason = nil }
                return FunctionSummary(status: status, rows: status.isAttached ? rows(of: function, scope: scope) : [])
            },
            eventsLogged: eventsLogged ?? stats.submitted, eventsDropped: stats.dropped, eventsSampled: stats.sampled,
            runsMissed: stats.missed, runsMissedExact: stats.missedExact,
            verdicts: verdictRows(scope: scope))
    }
}

extension RecordedNaming {
    /// Learns the return and route type names a record carries.
    public mutating func learn(from record: Record) {
        switch record {
        case .attached, .netns: break
        case .event(let r):
            learn(returnName: r.returnName, for: r.event.ret, of: r.event.function)
            if let name = r.routeTypeName { learn(routeTypeName: name, for: r.event.routeType) }
        case .snapshot(let r):
            r.rows.forEach { learn(from: $0) }
            r.verdicts.forEach { learn(from: $0) }
        case .summary(let r):
            r.functions.forEach { $0.rows.forEach { learn(from: $0) } }
            r.verdicts.forEach { learn(from: $0) }
        }
        if case .event(let r) = record, let p = r.event.packet, let name = r.reasonName, p.verdict == .routeError || p.verdict == .rpFilter {
            learn(returnName: name, for: p.reason, of: .ipRouteInputSlow)
        }
    }

    private mutating func learn(from row: VerdictRow) {
        if row.verdict == .routeError || row.verdict == .rpFilter {
            learn(returnName: row.reasonName, for: row.reason, of: .ipRouteInputSlow)
        }
    }

    private mutating func learn(from row: CountRow) {
        learn(returnName: row.returnName, for: row.ret, of: row.function)
        if let name = row.routeTypeName { learn(routeTypeName: name, for: row.routeType) }
    }
}

extension SummaryRecord {
    /// The summary of one snapshot (counts since attach) through `filter`; see `Aggregator.summary`.
    public init(
        probes: [ProbeStatus], snapshot: AggregateSnapshot, naming: any ReturnValueNaming,
        filter: InterfaceFilter = .all, eventsLogged: UInt64? = nil
    ) {
        var aggregator = Aggregator(naming: naming, interfaceFilter: filter)
        aggregator.ingest(snapshot)
        self = aggregator.summary(probes: probes, eventsLogged: eventsLogged)
    }
}
