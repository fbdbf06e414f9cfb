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
    public var jsonLine: String {
        switch self {
        case .attached(let r): r.jsonLine
        case .event(let r): r.jsonLine
        case .snapshot(let r): r.jsonLine
        case .summary(let r): r.jsonLine
        case .netns(let r): r.jsonLine
        }
    }

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
