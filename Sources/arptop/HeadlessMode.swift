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
        try ProbeSession.checkPrivileges()
        let session = try ProbeSession(options: options)
        defer { session.close() }
        let filter = InterfaceFilter(names: interfaces)
        let recorder = try recordPath.map { try Recorder(path: $0, maxBytes: recordMaxBytes) }
        defer { recorder?.close() }
        let namespaces = NamespaceWatcher()  // before privileges are dropped: reads /proc/1/ns/net
        // Attached: from here on, reading the maps needs at most CAP_BPF.
        _ = try session.dropPrivileges(outputFolders: outputFolders(recordPath, prometheusTextfile))
        let attached = AttachedRecord(host: KernelInfo.hostname(), kernel: KernelInfo.release(),
                                      realtimeOffsetNs: EventClock.measureRealtimeOffsetNs(),
                                      rootNetns: namespaces.names.root, probes: session.statuses)
        recorder?.start(attached)
        let textfile = prometheusTextfile.map { PrometheusTextfile(path: $0, filter: filter, naming: session.naming) }
        func warn(_ message: String) { writeStderr("arptop: \(message)\n") }
        // A file that cannot be written (a full disk) is said once; counting goes on.
        if let message = textfile?.updateReportingOnce(try session.readAggregates(), probes: session.statuses, naming: session.naming) {
            warn(message)
        }
        var out = StdoutWriter()
        let start = monotonicNow()
        let deadline = duration.map { start + UInt64($0 * 1e9) }
        let interval = UInt64(snapshotInterval * 1e9)
        var nextSnapshot = start + interval
        var eventsLogged: UInt64 = 0
        // Sees every snapshot, so the summary names an interface renamed while running by its
        // latest name (one final snapshot holds both names' rows and cannot tell which is newer).
        var names = Aggregator(naming: session.naming, historyWindowNs: 0)
        names.interfaceFilter = filter

        if format == .json {
            out.line(attached.jsonLine)
            out.flush()
        } else {
            let what = duration.map { "for \(Self.seconds($0))" } ?? "until Ctrl-C"
            writeStderr("arptop: counting \(what)...\n")
        }

        func drain() throws {
            // Namespace names before the events that need them.
            for r in namespaces.refresh(now: monotonicNow()) {
                if format == .json { out.line(r.jsonLine) }
                recorder?.appendHeader(r.jsonLine)
            }
            _ = try session.drainEvents { event in
                guard filter.matches(event) else { return }
                eventsLogged += 1
                guard format == .json || recorder != nil else { return }
                let line = EventRecord(event: event, naming: session.naming).jsonLine(realtimeOffsetNs: attached.realtimeOffsetNs)
                if format == .json { out.line(line) }
                recorder?.append(line)
            }
        }

        var pfd = pollfd(fd: session.eventsFD, events: Int16(POLLIN), revents: 0)
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
                let snap = try session.readAggregates()
                names.ingest(snap)
                let line = SnapshotRecord(snapshot: snap, naming: session.naming, filter: filter).jsonLine
                if format == .json { out.line(line) }
                recorder?.append(line)
                recorder?.flush()
                if let message = recorder?.takeFailureToReport() { warn(message) }
                if let message = textfile?.updateReportingOnce(snap, probes: session.statuses, naming: session.naming) {
                    warn(message)
                }
                nextSnapshot += interval
            }
            out.flush()
        }

        // Asked twice (a second apart): no last drain and read, the summary from what was read.
        let final: AggregateSnapshot
        if Signals.hurry, let last = names.latest {
            final = last
        } else {
            try drain()
            final = try session.readAggregates()
        }
        names.ingest(final)
        let report = names.summary(probes: session.statuses, eventsLogged: eventsLogged)
        recorder?.append(SnapshotRecord(snapshot: final, naming: session.naming, filter: filter).jsonLine)
        recorder?.append(report.jsonLine)
        if format == .json {
            out.line(report.jsonLine)
        } else {
            out.line(report.text())
        }
        out.flush()
        recorder?.flush()
        if let message = recorder?.takeFailureToReport() { warn(message) }
        var textfileFailure: Error?
        do { try textfile?.update(final, probes: session.statuses, naming: session.naming, running: false) } catch { textfileFailure = error }
        // Everything owed is written; the exit status says what could not be.
        if let message = recorder?.failureMessage { throw Failure(message) }
        if let textfileFailure { throw textfileFailure }
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }
}
