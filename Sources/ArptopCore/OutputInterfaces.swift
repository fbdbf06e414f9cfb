/// `-i` for what a run writes (the recording, `--json`, the summary, the Prometheus file),
/// whatever the screen shows: the live view's picker changes what is on screen, never what is
/// written. Its names are resolved to interfaces as events name them (`admits`) and as the run's
/// one `Aggregator` sees them in the counts (`record(_:ingestedBy:)`); the counts written are
/// that aggregator's, seen through this filter.
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

    /// `aggregator` ingested `snapshot`: the names are resolved to every interface it has seen
    /// under them, and the snapshot's record holds the rows on those interfaces.
    public mutating func record(_ snapshot: AggregateSnapshot, ingestedBy aggregator: Aggregator) -> SnapshotRecord {
        filter = aggregator.resolved(filter)
        return SnapshotRecord(snapshot: snapshot, naming: aggregator.naming, filter: filter)
    }

    /// `aggregator`'s counts on these interfaces (since attach, whatever its own filter or clear).
    public func counts(of aggregator: Aggregator) -> Aggregator { aggregator.through(filter) }

    /// The summary of what was written: `aggregator`'s counts on these interfaces, with the
    /// events admitted as the events logged.
    public func summary(of aggregator: Aggregator, probes: [ProbeStatus]) -> SummaryRecord {
        counts(of: aggregator).summary(probes: probes, eventsLogged: eventsAdmitted)
    }
}
