/// The count records of the NDJSON stream (Records.swift): `snapshot` (the kernel's exact
/// aggregates at one moment) and `summary` (the final per-function counts), and a count row's members.

extension CountRow {
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
