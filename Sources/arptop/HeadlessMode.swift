import ArptopCore
import Glibc
import KernelProbes

/// `arptop --json` and `arptop --summary`: no TUI. Collects until --duration elapses or a
/// signal arrives, then writes the summary. Counts come from the kernel's aggregates; the
/// event records are the (possibly sampled) log.
struct HeadlessMode {
    enum Format { case json, text }

    let options: ProbeOptions
    let format: Format
    let interfaces: Set<String>
    let duration: Double?
    let snapshotInterval: Double
    var recordPath: String? = nil
    var recordMaxBytes: UInt64? = nil
    var prometheusTextfile: String? = nil

    func run() throws {
        let kernel = try KernelRun(options: options)
        defer { kernel.close() }
        let outputs = try Outputs(recordPath: recordPath, recordMaxBytes: recordMaxBytes,
                                  prometheusTextfile: prometheusTextfile, interfaces: interfaces)
        defer { outputs.close() }
        try kernel.dropPrivileges(keeping: outputs)
        let attached = AttachedRecord(host: KernelInfo.hostname(), kernel: KernelInfo.release(),
                                      realtimeOffsetNs: EventClock.measureRealtimeOffsetNs(),
                                      rootNetns: kernel.namespaces.names.root, probes: kernel.probes)
        outputs.recorder?.start(attached)
        // The run's one aggregator: every snapshot, so the summary names an interface renamed
        // while running by its latest name. What is written goes through -i (the outputs' filter).
        var aggregator = Aggregator(naming: kernel.naming, historyWindowNs: 0)
        func warn(_ message: String) { writeStderr("arptop: \(message)\n") }
        // A file that cannot be written (a full disk) is said once; counting goes on.
        var attachedCounts = aggregator  // the file exists from the start; the run's counts start at the first snapshot
        attachedCounts.ingest(try kernel.session.readAggregates())
        outputs.refreshed(attachedCounts, probes: kernel.probes).forEach(warn)
        var out = StdoutWriter()
        let start = monotonicNow()
        let deadline = duration.map { start + UInt64($0 * 1e9) }
        let interval = UInt64(snapshotInterval * 1e9)
        var nextSnapshot = start + interval

        if format == .json {
            out.line(attached.jsonLine)
            out.flush()
        } else {
            let what = duration.map { "for \(Self.seconds($0))" } ?? "until Ctrl-C"
            writeStderr("arptop: counting \(what)...\n")
        }
        func drain() throws {
            // Namespace names before the events that need them.
            for r in kernel.namespaces.refresh(now: monotonicNow()) {
                if format == .json { out.line(r.jsonLine) }
                outputs.recorder?.appendHeader(r.jsonLine)
            }
            _ = try kernel.session.drainEvents { event in
                aggregator.learn(event)
                guard outputs.admits(event), format == .json || outputs.recorder != nil else { return }
                let record = EventRecord(event: event, naming: kernel.naming)
                if format == .json { out.event(record, realtimeOffsetNs: attached.realtimeOffsetNs) }
                outputs.record(record, realtimeOffsetNs: attached.realtimeOffsetNs)
            }
        }

        var pfd = pollfd(fd: kernel.session.eventsFD, events: Int16(POLLIN), revents: 0)
        while !Signals.stopRequested && !out.closed {
            let now = monotonicNow()
            if let deadline, now >= deadline { break }
            var wake = nextSnapshot
            if let deadline { wake = min(wake, deadline) }
            let timeoutMs = Int32(clamping: (wake > now ? wake - now : 0) / 1_000_000 + 1)
            let r = poll(&pfd, 1, timeoutMs)
            if r < 0 && errno != EINTR { throw Failure("poll on the BPF ring buffer failed: \(String(cString: strerror(errno)))") }
            try drain()
            if monotonicNow() >= nextSnapshot {
                let snap = try kernel.session.readAggregates()
                aggregator.ingest(snap)
                outputs.ingested(snap, by: aggregator, stdout: format == .json ? { out.line($0) } : nil)
                outputs.refreshed(aggregator, probes: kernel.probes).forEach(warn)
                nextSnapshot += interval
            }
            out.flush()
        }

        let final = try kernel.lastSnapshot(previous: aggregator.latest, drain: drain)
        aggregator.ingest(final)
        try outputs.finish(
            final: final, aggregator: aggregator, probes: kernel.probes,
            publish: { report in
                out.line(format == .json ? report.jsonLine : report.text())
                out.flush()
            },
            warn: warn)
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }
}
