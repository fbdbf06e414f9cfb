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
        // Cached lines are redrawn past midnight (yesterday's lines gain their date) and when
        // namespace names were learned since they were cached (a namespace named after its first
        // packets, a replay's netns record): every line spells the same.
        if let lineCache, lineCache.today != times.today || lineCache.namespaces != source.namespaces {
            lineCache.lines = [:]
            lineCache.today = times.today
            lineCache.namespaces = source.namespaces
        }
        func line(_ sequence: UInt64, _ e: ProbeEvent) -> LogLine {
            if let cached = lineCache?.lines[sequence] { return cached }
            // A FIB lookup's event may lack the name; the counts may know it from other calls.
            let known = aggregator.name(of: e.interface)
            let interface = source.namespaces.label(e.interface, name: e.ifname.isEmpty ? known : e.ifname)
            let line = LogLine(
                sequence: sequence, time: times.string(e.timestampNs), cpu: e.cpu,
                interface: interface,
                function: e.function, details: e.details(naming: naming),
                returnName: naming.returnName(e.ret, of: e.function), isError: e.isError,
                packet: VerdictsAdapter.packetLine(e, interface: interface, naming: naming) { aggregator.name(of: $0) })
            // Cache only lines whose interface is named: a later refresh may learn the name.
            if !e.ifname.isEmpty || !known.isEmpty { lineCache?.lines[sequence] = line }
            return line
        }
        let lines = log.recent(maxLogLines, filter: aggregator.interfaceFilter).map { line($0.sequence, $0.event) }
        // Packet mode lists the packets among those lines (already built: no second pass over the log).
        let packets = lines.filter { $0.function == .arpProcess }
        if let lineCache, lineCache.lines.count > 2 * max(lines.count, 1) {
            lineCache.lines = Dictionary(uniqueKeysWithValues: lines.map { ($0.sequence, $0) })
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

/// Formatted log lines by sequence number. A logged event never changes, so with a cache each is
/// formatted once and a refresh costs only the lines that arrived since the last one.
public final class LogLineCache: @unchecked Sendable {
    var lines: [UInt64: LogLine] = [:]
    /// The local day the lines were formatted on (`EventTimes.today`).
    var today: Int64?
    /// The names the cached lines were spelled with.
    var namespaces = NamespaceNames()
    public init() {}
}
