import ArptopCore
import KernelProbes

/// What a run writes besides the screen: the recording (`--record`) and the Prometheus file,
/// and the `-i` filter of everything written (those two, `--json` and the summary), whatever
/// the screen shows (the picker's choice is the screen's alone). The live view and the
/// headless modes feed and finish them the same way.
final class Outputs {
    let recorder: Recorder?
    let textfile: PrometheusTextfile?
    /// The folders the files go to: write access to them survives the privilege drop.
    let folders: [String]
    /// `-i`: the interfaces of what is written.
    private(set) var interfaces: OutputInterfaces

    init(recordPath: String?, recordMaxBytes: UInt64?, prometheusTextfile: String?, interfaces: Set<String>) throws {
        recorder = try recordPath.map { try Recorder(path: $0, maxBytes: recordMaxBytes) }
        textfile = prometheusTextfile.map { PrometheusTextfile(path: $0) }
        folders = outputFolders(recordPath, prometheusTextfile)
        self.interfaces = OutputInterfaces(names: interfaces)
    }

    /// Whether `event` is on one of `-i`'s interfaces: what is written.
    func admits(_ event: ProbeEvent) -> Bool { interfaces.admits(event) }

    /// An admitted event, into the recording.
    func record(_ event: EventRecord, realtimeOffsetNs: Int64?) {
        recorder?.append(event, realtimeOffsetNs: realtimeOffsetNs)
    }

    /// `aggregator` ingested `snapshot`: `-i`'s names are resolved by it, and the snapshot's
    /// rows on `-i`'s interfaces go to the recording and to `stdout` (`--json`), when either
    /// is there (no record is made for nothing).
    func ingested(_ snapshot: AggregateSnapshot, by aggregator: Aggregator, stdout: ((String) -> Void)? = nil) {
        interfaces.resolve(with: aggregator)
        guard recorder != nil || stdout != nil else { return }
        let line = interfaces.record(snapshot, naming: aggregator.naming).jsonLine
        recorder?.append(line)
        stdout?(line)
    }

    func close() { recorder?.close() }

    /// Namespace names: into the recording before the events that need them.
    func record(_ namespaces: [NetnsRecord]) {
        for r in namespaces { recorder?.appendHeader(r.jsonLine) }
    }

    /// Every refresh: the recording flushed and the Prometheus file rewritten from `aggregator`'s
    /// counts on `-i`'s interfaces. Returns what the operator must be told (a write that failed;
    /// each failure once).
    func refreshed(_ aggregator: Aggregator, probes: [ProbeStatus]) -> [String] {
        recorder?.flush()
        return [recorder?.takeFailureToReport(), textfile?.updateReportingOnce(interfaces.counts(of: aggregator), probes: probes)]
            .compactMap { $0 }
    }

    /// The end of a run: `final` (the last snapshot, which `aggregator` ingested) and the summary
    /// of `-i`'s interfaces recorded, `publish` called with the summary (stdout), the recording
    /// flushed, the Prometheus file written with the probes detached. Everything owed is written
    /// first; then a file that could not be written is thrown (exit 1).
    func finish(final: AggregateSnapshot?, aggregator: Aggregator, probes: [ProbeStatus],
                publish: (SummaryRecord) -> Void = { _ in }, warn: (String) -> Void = { _ in }) throws {
        if let final {
            ingested(final, by: aggregator)
            let summary = interfaces.summary(of: aggregator, probes: probes)
            recorder?.append(summary.jsonLine)
            publish(summary)
        }
        recorder?.flush()
        if let message = recorder?.takeFailureToReport() { warn(message) }
        var textfileFailure: Error?
        do { try textfile?.update(interfaces.counts(of: aggregator), probes: probes, running: false) } catch { textfileFailure = error }
        if let message = recorder?.failureMessage { throw Failure(message) }
        if let textfileFailure { throw textfileFailure }
    }
}

/// One run on the kernel, the same for the live view and the headless modes: attach
/// (privileges checked, programs loaded and attached, privileges dropped once the outputs are
/// open), drain and read while running, a last drain and read at the end, detach.
final class KernelRun {
    let session: ProbeSession
    /// Made before privileges are dropped: /proc/1/ns/net is read once, here.
    let namespaces = NamespaceWatcher()

    /// Checks privileges, loads and attaches the programs.
    init(options: ProbeOptions) throws {
        try ProbeSession.checkPrivileges()
        session = try ProbeSession(options: options)
    }

    /// Attached and the outputs open: from here on, reading the maps needs at most CAP_BPF.
    func dropPrivileges(keeping outputs: Outputs) throws {
        _ = try session.dropPrivileges(outputFolders: outputs.folders)
    }

    var naming: any ReturnValueNaming { session.naming }
    var probes: [ProbeStatus] { session.statuses }

    /// The kernel's counts at the end, after a last `drain`; asked twice to stop (a second
    /// apart), neither: the last counts read (`previous`), so what is owed is written at once.
    func lastSnapshot(previous: AggregateSnapshot?, drain: () throws -> Void) throws -> AggregateSnapshot {
        if Signals.hurry, let previous { return previous }
        try drain()
        return try session.readAggregates()
    }

    /// Detaches the programs.
    func close() { session.close() }
}
