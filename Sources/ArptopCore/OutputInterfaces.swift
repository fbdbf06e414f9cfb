/// `-i` for what a run writes (the recording, `--json`, the summary, the Prometheus file),
/// whatever the screen shows: the live view's picker changes what is on screen, never what is
/// written. Its names are resolved to interfaces as events name them (`admits`) and as the run's
/// one `Aggregator` sees them in the counts (`resolve(with:)`, after each snapshot); the counts
/// written are that aggregator's, seen through this filter.
public struct OutputInterfaces: Sendable {
    public private(set) var filter: InterfaceFilter
    /// Events admitted: the summary's `events_logged` (each was written where it goes).
    public private(set) var eventsAdmitted: UInt64 = 0

    /// `names`: the `-i` names (none: every interface).
    public init(names: Set<String>) {
        filter = InterfaceFilter(names: names)
    }

    /// Whether `event` is on one of the interfaces (then it is counted as written).
    public mutating func admits(_ event: ProbeEvent) -> Bool {
        filter.learn(event.interface, name: event.ifname)
        guard filter.matches(event.interface) else { return false }
        eventsAdmitted += 1
        return true
    }

    /// The names resolved to every interface `aggregator` has seen under them (after it
    /// ingested a snapshot).
    public mutating func resolve(with aggregator: Aggregator) {
        filter = aggregator.resolved(filter)
    }

    /// The record of `snapshot`'s rows on these interfaces.
    public func record(_ snapshot: AggregateSnapshot, naming: any ReturnValueNaming) -> SnapshotRecord {
        SnapshotRecord(snapshot: snapshot, naming: naming, filter: filter)
    }

    /// `aggregator`'s counts on these interfaces (since attach, whatever its own filter or clear).
    public func counts(of aggregator: Aggregator) -> Aggregator { aggregator.through(filter) }

    /// The summary of what was written: `aggregator`'s counts on these interfaces, with the
    /// events admitted as the events logged.
    public func summary(of aggregator: Aggregator, probes: [ProbeStatus]) -> SummaryRecord {
        counts(of: aggregator).summary(probes: probes, eventsLogged: eventsAdmitted)
    }
}
