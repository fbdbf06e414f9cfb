/// The summary logic: what the final `summary` record says, from an aggregator or one snapshot.
/// (The record's schema is in CountRecords.swift; its text form in SummaryText.swift.)

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
