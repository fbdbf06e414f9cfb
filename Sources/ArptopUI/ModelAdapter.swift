import ArptopCore

/// Where the screen's data comes from besides the counts and the log: who and what is
/// being watched. The CLI fills it once (host, kernel, probe results); the elapsed time is
/// passed to each build of the model.
public struct ScreenSource: Sendable {
    public var host: String
    public var kernelRelease: String
    /// How each function was attached, or why not (missing functions show as "waiting").
    public var probes: [ProbeStatus]
    /// Turns event timestamps into local wall-clock time (`EventClock.local()` live, the
    /// recording's `AttachedRecord.clock` in replay: time since boot when it has no offset).
    public var clock: EventClock
    /// "replay capture.ndjson" when not live.
    public var label: String?
    /// A note for the top of the event log ("demo restarts (loop 2)", a replay stopped by a
    /// bad line); `isError` draws it as an error.
    public var logNotice: (text: String, isError: Bool)?
    /// The network namespaces' names (`vb@t1` on every screen): read by the CLI live, learned
    /// from the recording in a replay.
    public var namespaces = NamespaceNames()

    public init(host: String, kernelRelease: String, probes: [ProbeStatus], clock: EventClock, label: String? = nil) {
        self.host = host
        self.kernelRelease = kernelRelease
        self.probes = probes
        self.clock = clock
        self.label = label
    }
}

extension ScreenModel {
    /// What the screen shows, from the collector's state: exact counts, rates and histograms
    /// from `aggregator` (through its interface filter and clear baseline), the newest
    /// `maxLogLines` events of `log` on the interfaces shown (and as many of its ARP packets, for
    /// packet mode), every interface seen for the picker, and the verdicts view: exact verdict
    /// counts and rates from `aggregator`, the top unanswered from `topUnanswered` (the logged
    /// packets; the caller feeds and clears it with the log).
    public init(aggregator: Aggregator, log: EventLog, source: ScreenSource, elapsedSeconds: Double, maxLogLines: Int = 5_000,
                lineCache: LogLineCache? = nil, topUnanswered: TopUnanswered? = nil) {
        let naming = aggregator.naming
        let panes = KernelFunction.allCases.map { f -> PaneModel in
            let status = source.probes.first { $0.function == f }
                ?? ProbeStatus(function: f, mechanism: nil, target: nil, reason: nil)
            guard status.isAttached else { return PaneModel(function: f, status: status) }
            return PaneModel(
                function: f, status: status,
                totalCalls: aggregator.total(of: f),
                ratePerSecond: aggregator.rate(of: f),
                sparkline: aggregator.history(of: f),
                histogram: aggregator.histogram(of: f).map { HistogramBar(label: $0.name, count: $0.count, isError: $0.isError) },
                interfaces: aggregator.interfaces(of: f)
            )
        }
        let stats = aggregator.stats()
        let times = source.clock.times()  // today's date fixed for this refresh
        func line(_ sequence: UInt64, _ e: ProbeEvent) -> (line: LogLine, named: Bool) {
            // A FIB lookup's event may lack the name; the counts may know it from other calls.
            let known = aggregator.name(of: e.interface)
            let interface = source.namespaces.label(e.interface, name: e.ifname.isEmpty ? known : e.ifname)
            let line = LogLine(
                sequence: sequence, time: times.string(e.timestampNs), cpu: e.cpu,
                interface: interface,
                function: e.function, details: e.details(naming: naming),
                returnName: naming.returnName(e.ret, of: e.function), isError: e.isError,
                packet: VerdictsAdapter.packetLine(e, interface: interface, naming: naming) { aggregator.name(of: $0) })
            return (line, !e.ifname.isEmpty || !known.isEmpty)
        }
        let lines: LogLines
        let packets: LogLines
        if let lineCache {
            lineCache.refresh(log: log, filter: aggregator.interfaceFilter, limit: maxLogLines, today: times.today,
                              namespaces: source.namespaces, line: line)
            lines = lineCache.lines
            packets = lineCache.packets
        } else {
            lines = LogLines(log.recent(maxLogLines, filter: aggregator.interfaceFilter).lazy.map { line($0.sequence, $0.event).line })
            // Packet mode lists the packets among those lines (already built: no second pass over the log).
            packets = LogLines(lines.lazy.filter { $0.function == .arpProcess })
        }
        let interfaces = Self.interfacesSeen(aggregator)
        self.init(
            header: HeaderInfo(host: source.host, kernelRelease: source.kernelRelease, elapsedSeconds: elapsedSeconds,
                               totalEvents: aggregator.total(), eventsPerSecond: aggregator.rate(), source: source.label),
            panes: panes,
            log: LogModel(lines: lines, packets: packets, total: log.receivedSinceClear, dropped: stats.dropped, sampled: stats.sampled,
                          missed: stats.missed, missedExact: stats.missedExact,
                          notice: source.logNotice?.text, noticeIsError: source.logNotice?.isError ?? false),
            interfaces: interfaces,
            verdicts: VerdictsAdapter.model(aggregator: aggregator, top: topUnanswered, source: source, times: times),
            namespaces: source.namespaces,
            interfaceFilter: aggregator.interfaceFilter
        )
    }
}

extension ScreenModel {
    /// Every interface seen since attach (a clear keeps them listed), with its calls since the
    /// clear: after `c` the picker still offers them and a filter on one is not "gone".
    static func interfacesSeen(_ aggregator: Aggregator) -> [InterfaceCount] {
        let sinceClear = Dictionary(aggregator.interfaces(filtered: false).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return aggregator.interfaces(scope: .sinceAttach, filtered: false).map {
            sinceClear[$0.id] ?? InterfaceCount(id: $0.id, name: $0.name, count: 0)
        }
    }
}

/// The log lines of the last refresh, kept between refreshes so that a refresh formats only
/// the events that arrived since (a logged event never changes) and drops the ones the log let
/// go: the frame costs what changed, not the 5,000 lines the log view keeps scrollable.
/// Everything is formatted again when what a line depends on changed: the day (past midnight
/// yesterday's lines gain their date), the namespace names, the interface filter, the line limit.
/// A line whose interface had no name yet is formatted again on every refresh until it has one.
public final class LogLineCache: @unchecked Sendable {
    /// Oldest first, each passing the filter; at most `limit`.
    private(set) var lines = LogLines()
    /// The arp_process lines among `lines`, oldest first (packet mode), kept along with them.
    private(set) var packets = LogLines()
    /// Sequence numbers of lines whose interface had no name when formatted.
    private var unnamed: Set<UInt64> = []
    /// The first sequence number not looked at yet.
    private var next: UInt64 = 0
    private var filter: InterfaceFilter?
    private var limit = 0
    private var today: Int64?
    private var namespaces = NamespaceNames()
    /// The origin the lines carry: lines already handed out change only with the revision.
    private let source = UInt64.random(in: 1...UInt64.max)
    private var revision: UInt64 = 0

    public init() {}

    typealias Format = (UInt64, ProbeEvent) -> (line: LogLine, named: Bool)

    func refresh(log: EventLog, filter: InterfaceFilter, limit: Int, today: Int64?, namespaces: NamespaceNames, line: Format) {
        if filter != self.filter || limit != self.limit || today != self.today || namespaces != self.namespaces || next > log.received {
            lines.removeAll()
            packets.removeAll()
            unnamed = []
            next = 0
            revision += 1
            self.filter = filter
            self.limit = limit
            self.today = today
            self.namespaces = namespaces
        }
        // Lines the log no longer keeps (cleared, or pushed out by newer events) go.
        dropLines(before: log.firstSequence)
        // Names learned since: the lines that lacked one are formatted again.
        for sequence in unnamed {
            guard let index = lines.index(of: sequence), let event = log.event(sequence) else { unnamed.remove(sequence); continue }
            let (l, named) = line(sequence, event)
            lines[index] = l
            if l.function == .arpProcess, let p = packets.index(of: sequence) { packets[p] = l }
            revision += 1
            if named { unnamed.remove(sequence) }
        }
        for e in log.recent(limit, filter: filter, since: next) {
            let (l, named) = line(e.sequence, e.event)
            lines.append(l)
            if l.function == .arpProcess { packets.append(l) }
            if !named { unnamed.insert(e.sequence) }
        }
        next = log.received
        if lines.count > limit { dropLines(before: lines[lines.count - limit].sequence) }
        lines.origin = LogLines.Origin(source: source, revision: revision)
        packets.origin = lines.origin
    }

    /// Forgets the lines (and packets) numbered below `sequence`.
    private func dropLines(before sequence: UInt64) {
        let gone = lines.firstIndex(atOrAfter: sequence)
        guard gone > 0 else { return }
        if !unnamed.isEmpty { for l in lines.prefix(gone) { unnamed.remove(l.sequence) } }
        lines.removeFirst(gone)
        packets.removeFirst(packets.firstIndex(atOrAfter: sequence))
    }
}
