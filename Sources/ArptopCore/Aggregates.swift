import DequeModule

/// Where counts are measured from.
public enum CountScope: Sendable, Equatable {
    /// Since the probes attached: the kernel's cumulative counts.
    case sinceAttach
    /// Since the last `Aggregator.clear()` (the same as `sinceAttach` before any clear).
    case sinceClear
}

/// One bucket of a function's return-value histogram.
public struct ReturnBucket: Sendable, Equatable {
    /// The return value.
    public var ret: Int32
    /// fib_lookup: the route type of a successful lookup when known; else 0.
    public var routeType: UInt32
    /// The route type name for a known fib_lookup success ("RTN_LOCAL"), else the return name.
    public var name: String
    public var count: UInt64
    /// `count` as a fraction (0...1) of the function's total.
    public var share: Double

    /// The function whose return this is (decides what counts as a failure).
    public var function: KernelFunction?

    public init(ret: Int32, routeType: UInt32, name: String, count: UInt64, share: Double, function: KernelFunction? = nil) {
        self.function = function
        self.ret = ret
        self.routeType = routeType
        self.name = name
        self.count = count
        self.share = share
    }

    /// Whether the call failed (see `KernelFunction.isFailure`).
    public var isError: Bool { function?.isFailure(ret) ?? (ret != 0) }
}

/// Calls seen on one interface (of one function, or of all).
public struct InterfaceCount: Sendable, Equatable {
    /// The interface's identity (ifindexes repeat across network namespaces).
    public var id: InterfaceID
    /// The interface's latest known name; empty when unknown.
    public var name: String
    public var count: UInt64
    /// Calls that returned non-zero.
    public var errors: UInt64

    public init(id: InterfaceID, name: String, count: UInt64, errors: UInt64 = 0) {
        self.id = id
        self.name = name
        self.count = count
        self.errors = errors
    }
}

/// Turns successive `AggregateSnapshot`s into what the UI and the summary show: totals,
/// return-value histograms, per-interface breakdowns, rates and a rate history, all through
/// an interface filter and an optional "clear" baseline.
///
/// The kernel's counts are exact and cumulative per (function, interface, return), so the
/// filter and the clear baseline apply retroactively and stay exact.
public struct Aggregator: Sendable {
    /// Names return values and route types.
    public var naming: any ReturnValueNaming
    /// The interfaces the queries count (`-i`, or the picker's choice). Its names are resolved
    /// to interfaces here, as interfaces carrying them are seen (`ingest`, `learn(_:)`).
    public var interfaceFilter: InterfaceFilter = .all {
        didSet { interfaceFilter = resolved(interfaceFilter) }
    }
    /// How far back `history(of:bins:)` reaches, in nanoseconds.
    public let historyWindowNs: UInt64
    /// The most recent snapshot ingested.
    public private(set) var latest: AggregateSnapshot?
    /// The snapshot saved by `clear()`.
    public private(set) var baseline: AggregateSnapshot?
    /// The latest name of each interface seen (a renamed interface keeps its new name).
    public private(set) var interfaceNames: [InterfaceID: String] = [:]

    /// Every interface seen under each name (a renamed interface under both), to resolve filters.
    private var interfacesNamed: [String: Set<InterfaceID>] = [:]

    private var samples: Deque<RateSample> = []

    /// Calls per (function, interface), and packets per verdict, between two consecutive snapshots.
    private struct RateSample: Sendable {
        var startNs: UInt64
        var endNs: UInt64
        var deltas: [FunctionInterface: UInt64]
        var verdictDeltas: [VerdictKey: UInt64] = [:]
    }

    private struct FunctionInterface: Hashable, Sendable {
        var function: KernelFunction
        var interface: InterfaceID
    }

    /// Creates an empty aggregator.
    public init(naming: any ReturnValueNaming, historyWindowNs: UInt64 = 60_000_000_000, interfaceFilter: InterfaceFilter = .all) {
        self.naming = naming
        self.historyWindowNs = historyWindowNs
        self.interfaceFilter = interfaceFilter
    }

    /// Monotonic time of the clear baseline, or nil when never cleared.
    public var clearedAtNs: UInt64? { baseline?.monotonicNs }

    // MARK: Input

    /// Takes the kernel's next snapshot (cumulative counts) and updates names, rates and history.
    public mutating func ingest(_ snapshot: AggregateSnapshot) {
        let previous = latest?.counts ?? [:]
        var deltas: [FunctionInterface: UInt64] = [:]
        var grownNames: [InterfaceID: Set<String>] = [:]
        for key in snapshot.counts.keys { noteName(key.ifname, of: key.interface) }
        for key in snapshot.verdicts.keys { noteName(key.ifname, of: key.interface) }
        for (key, count) in snapshot.counts {
            let delta = count.subtractingSaturated(previous[key] ?? 0)
            if delta > 0 { deltas[FunctionInterface(function: key.function, interface: key.interface), default: 0] += delta }
            if !key.ifname.isEmpty && (delta > 0 || interfaceNames[key.interface] == nil) {
                grownNames[key.interface, default: []].insert(key.ifname)
            }
        }
        updateNames(grownNames)
        let previousVerdicts = latest?.verdicts ?? [:]
        var verdictDeltas: [VerdictKey: UInt64] = [:]
        for (key, count) in snapshot.verdicts {
            let delta = count.subtractingSaturated(previousVerdicts[key] ?? 0)
            if delta > 0 { verdictDeltas[key] = delta }
        }
        if let last = latest {
            if snapshot.monotonicNs < last.monotonicNs {
                samples.removeAll()  // a different clock origin (a new run): the history no longer applies
            } else if snapshot.monotonicNs > last.monotonicNs {
                samples.append(RateSample(startNs: last.monotonicNs, endNs: snapshot.monotonicNs, deltas: deltas,
                                          verdictDeltas: verdictDeltas))
            }
        }
        latest = snapshot
        while let first = samples.first, first.endNs.addingSaturated(historyWindowNs) <= snapshot.monotonicNs {
            samples.removeFirst()
        }
    }

    /// Restarts the `sinceClear` counts from the latest snapshot; `sinceAttach` stays available.
    /// Rates and their history restart too (the next snapshot measures calls since the clear),
    /// so no rate is shown beside a count of zero.
    public mutating func clear() {
        baseline = latest
        samples.removeAll()
    }

    /// Takes the name a logged event's interface had at the call (an interface may be logged
    /// before a snapshot counts it), so that the filter lets the event through by its interface.
    public mutating func learn(_ event: ProbeEvent) {
        noteName(event.ifname, of: event.interface)
    }

    /// `learn(event)`, then whether the filter lets the event through (by its interface):
    /// where an event enters a log or an output.
    public mutating func admits(_ event: ProbeEvent) -> Bool {
        learn(event)
        return isShown(event.interface)
    }

    private mutating func noteName(_ name: String, of id: InterfaceID) {
        guard !name.isEmpty, interfacesNamed[name]?.contains(id) != true else { return }
        interfacesNamed[name, default: []].insert(id)
        interfaceFilter.learn(id, name: name)
    }

    /// `filter` with its names resolved to every interface seen under them so far.
    public func resolved(_ filter: InterfaceFilter) -> InterfaceFilter {
        var f = filter
        for name in f.names {
            for id in interfacesNamed[name] ?? [] { f.learn(id, name: name) }
        }
        return f
    }

    /// The same counts through another filter (resolved here): `-i` for the Prometheus file
    /// while the screen shows the picker's choice.
    public func through(_ filter: InterfaceFilter) -> Aggregator {
        var copy = self
        copy.interfaceFilter = filter
        return copy
    }

    /// A renamed interface's calls carry its old name in some count keys and the new name in
    /// others: the name whose counts grew most recently wins; unknown (empty) names never do.
    /// Among the names that grew, one other than the current name is the new one; ties break
    /// by name (only possible in the first snapshot, which has no history).
    private mutating func updateNames(_ grownNames: [InterfaceID: Set<String>]) {
        for (id, names) in grownNames {
            let current = interfaceNames[id]
            if let newName = names.filter({ $0 != current }).min() { interfaceNames[id] = newName }
        }
    }

    // MARK: Queries

    /// The latest name of an interface; empty when unknown.
    public func name(of interface: InterfaceID) -> String { interfaceNames[interface] ?? "" }

    /// Whether the interface filter lets this interface through.
    public func isShown(_ interface: InterfaceID) -> Bool {
        interfaceFilter.matches(interface)
    }

    /// Calls of `function` (of all four when nil) on the interfaces shown.
    public func total(of function: KernelFunction? = nil, scope: CountScope = .sinceClear) -> UInt64 {
        var sum: UInt64 = 0
        forEachCount(scope) { key, count in if function == nil || key.function == function { sum += count } }
        return sum
    }

    /// The kernel's stream counters, relative to the clear baseline for `.sinceClear`.
    public func stats(scope: CountScope = .sinceClear) -> StreamStats {
        guard let latest else { return StreamStats() }
        guard scope == .sinceClear, let base = baseline?.stats else { return latest.stats }
        var s = latest.stats
        s.submitted = s.submitted.subtractingSaturated(base.submitted)
        s.dropped = s.dropped.subtractingSaturated(base.dropped)
        s.sampled = s.sampled.subtractingSaturated(base.sampled)
        s.noEntry = s.noEntry.subtractingSaturated(base.noEntry)
        s.countFailed = s.countFailed.subtractingSaturated(base.countFailed)
        s.missed = s.missed.subtractingSaturated(base.missed)
        s.contextUnknown = s.contextUnknown.subtractingSaturated(base.contextUnknown)
        return s
    }

    /// Return-value histogram of `function`, largest bucket first (ties by return, route type).
    /// A fib_lookup success with a known route type is bucketed by that type ("RTN_LOCAL").
    public func histogram(of function: KernelFunction, scope: CountScope = .sinceClear) -> [ReturnBucket] {
        var counts: [BucketKey: UInt64] = [:]
        forEachCount(scope) { key, count in
            if key.function == function { counts[BucketKey(ret: key.ret, routeType: key.routeType), default: 0] += count }
        }
        let total = counts.values.reduce(0, +)
        return counts.map { key, count in
            ReturnBucket(
                ret: key.ret, routeType: key.routeType,
                name: bucketName(function: function, ret: key.ret, routeType: key.routeType),
                count: count, share: Self.share(count, of: total), function: function)
        }
        .sorted { ($1.count, $0.ret, $0.routeType) < ($0.count, $1.ret, $1.routeType) }
    }

    /// Calls per interface (of one function, or of all when nil), sorted by identity; only
    /// the interfaces shown unless `filtered` is false (a picker lists every interface seen).
    public func interfaces(of function: KernelFunction? = nil, scope: CountScope = .sinceClear, filtered: Bool = true) -> [InterfaceCount] {
        var counts: [InterfaceID: (calls: UInt64, errors: UInt64)] = [:]
        forEachCount(scope, filtered: filtered) { key, count in
            guard function == nil || key.function == function else { return }
            counts[key.interface, default: (0, 0)].calls += count
            if key.function.isFailure(key.ret) { counts[key.interface, default: (0, 0)].errors += count }
        }
        return counts.map { id, c in InterfaceCount(id: id, name: name(of: id), count: c.calls, errors: c.errors) }
            .sorted { $0.id < $1.id }
    }

    /// Count rows of `function` on the interfaces shown, one per (interface, return, route type),
    /// named with the latest interface name, sorted by netns, ifindex, return, route type.
    public func rows(of function: KernelFunction, scope: CountScope = .sinceClear) -> [CountRow] {
        var counts: [RowKey: UInt64] = [:]
        forEachCount(scope) { key, count in
            if key.function == function {
                counts[RowKey(interface: key.interface, ret: key.ret, routeType: key.routeType, tableID: key.tableID), default: 0] += count
            }
        }
        return counts.map { key, count in
            CountRow(
                function: function, interface: key.interface, ifname: name(of: key.interface),
                ret: key.ret, routeType: key.routeType, count: count, naming: naming, tableID: key.tableID)
        }
        .sorted(by: CountRow.inOrder)
    }

    /// Calls per second of `function` (of all four when nil) on the interfaces shown, between
    /// the last two snapshots; 0 before the second snapshot.
    public func rate(of function: KernelFunction? = nil) -> Double {
        guard let last = samples.last else { return 0 }
        return Double(delta(of: function, in: last)) / (Double(last.endNs - last.startNs) / 1e9)
    }

    /// Packets per second of each verdict (per interface and reason, the keys of
    /// `verdictRows`) on the interfaces shown, between the last two snapshots; empty before the
    /// second snapshot and right after a clear, like `rate(of:)`.
    public func verdictRates() -> [VerdictKey: Double] {
        guard let last = samples.last, last.endNs > last.startNs else { return [:] }
        let seconds = Double(last.endNs - last.startNs) / 1e9
        var rates: [VerdictKey: Double] = [:]
        for (key, delta) in last.verdictDeltas where isShown(key.interface) { rates[key] = Double(delta) / seconds }
        return rates
    }

    /// Calls per second of `function` (of all four when nil) on the interfaces shown, oldest
    /// first, in bins of `historyWindowNs / bins` ending at the latest snapshot (one per second
    /// by default). Bins before the first measured interval are left out, so there are fewer
    /// than `bins` values (none before the second snapshot) until the window has filled.
    public func history(of function: KernelFunction? = nil, bins: Int = 60) -> [Double] {
        guard bins > 0, let end = latest?.monotonicNs, let firstStart = samples.first?.startNs else { return [] }
        // Positions in the window as nanoseconds after its start (integer first: keeps precision).
        let windowStart = Int64(clamping: end) - Int64(clamping: historyWindowNs)
        func position(_ ns: UInt64) -> Double { Double(Int64(clamping: ns) - windowStart) }
        let binNs = Double(historyWindowNs) / Double(bins)
        var out = [Double](repeating: 0, count: bins)
        for sample in samples {
            let calls = delta(of: function, in: sample)
            guard calls > 0 else { continue }
            // Spread the sample's calls over the bins its interval overlaps, in proportion.
            let s0 = position(sample.startNs)
            let s1 = position(sample.endNs)
            for bin in Self.bins(from: s0, to: s1, binNs: binNs, count: bins) {
                let overlap = min(s1, Double(bin + 1) * binNs) - max(s0, Double(bin) * binNs)
                if overlap > 0 { out[bin] += Double(calls) * overlap / (s1 - s0) }
            }
        }
        let firstBin = max(0, min(bins - 1, Int(position(firstStart) / binNs)))
        return out[firstBin...].map { $0 / (binNs / 1e9) }
    }

    /// The indexes of the bins that the interval [s0, s1] overlaps.
    private static func bins(from s0: Double, to s1: Double, binNs: Double, count: Int) -> Range<Int> {
        let first = max(0, Int((s0 / binNs).rounded(.down)))
        let end = min(count, Int((s1 / binNs).rounded(.up)))
        return first..<max(first, end)
    }

    // MARK: Internals

    private struct BucketKey: Hashable {
        var ret: Int32
        var routeType: UInt32
    }

    private struct RowKey: Hashable {
        var interface: InterfaceID
        var ret: Int32
        var routeType: UInt32
        var tableID: UInt32
    }

    private func bucketName(function: KernelFunction, ret: Int32, routeType: UInt32) -> String {
        function == .fibLookup && ret == 0 && routeType != 0
            ? naming.routeTypeName(routeType) : naming.returnName(ret, of: function)
    }

    /// Visits every non-zero count (on a shown interface when `filtered`), relative to the
    /// baseline for `.sinceClear`.
    private func forEachCount(_ scope: CountScope, filtered: Bool = true, _ body: (CountKey, UInt64) -> Void) {
        guard let latest else { return }
        let base = scope == .sinceClear ? baseline?.counts : nil
        for (key, absolute) in latest.counts where !filtered || isShown(key.interface) {
            let count = absolute.subtractingSaturated(base?[key] ?? 0)
            if count > 0 { body(key, count) }
        }
    }

    private func delta(of function: KernelFunction?, in sample: RateSample) -> UInt64 {
        var sum: UInt64 = 0
        for (key, delta) in sample.deltas where (function == nil || key.function == function) && isShown(key.interface) {
            sum += delta
        }
        return sum
    }

    private static func share(_ count: UInt64, of total: UInt64) -> Double {
        total == 0 ? 0 : Double(count) / Double(total)
    }
}

extension UInt64 {
    /// `self - other`, or 0 when `other` is larger (a counter that went backwards).
    func subtractingSaturated(_ other: UInt64) -> UInt64 { self > other ? self - other : 0 }
    /// `self + other`, or `UInt64.max` on overflow.
    func addingSaturated(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
