import ArptopCore
import ArptopUI
import FoundationEssentials
import Glibc
import KernelProbes
import Terminal

/// The live TUI: panes, histograms and the event log, from the kernel or a recording.
/// One thread: poll() waits on the keyboard and the ring buffer until the next refresh,
/// so an idle arptop sleeps.
struct LiveMode {
    enum Source {
        case kernel(ProbeOptions)
        case replay(path: String, loop: Bool, label: String?)
    }

    let source: Source
    let interfaces: Set<String>
    let duration: Double?
    let refresh: Double
    let recordPath: String?
    let recordMaxBytes: UInt64?
    let logCapacity: Int
    var prometheusTextfile: String? = nil

    func run() throws {
        let collector: any Collector
        var session: ProbeSession?
        switch source {
        case .kernel(let options):
            try preflight()  // before any BPF is loaded
            try ProbeSession.checkPrivileges()
            let s = try ProbeSession(options: options)
            session = s
            collector = LiveCollector(session: s)
        case .replay(let path, let loop, let label):
            collector = try ReplayCollector(path: path, loop: loop, label: label)  // a bad file is named first
            try preflight()
        }
        defer { session?.close() }

        let recorder = try recordPath.map { try Recorder(path: $0, maxBytes: recordMaxBytes) }
        defer { recorder?.close() }
        // Attached: from here on, reading the maps needs at most CAP_BPF.
        _ = try session?.dropPrivileges(outputFolders: outputFolders(recordPath, prometheusTextfile))
        var textfile: PrometheusTextfile?
        var startupProblem: String?
        if let path = prometheusTextfile, let session {  // kernel source only (validated)
            textfile = PrometheusTextfile(path: path, filter: InterfaceFilter(names: interfaces), naming: session.naming)
            startupProblem = textfile?.updateReportingOnce(try session.readAggregates(), probes: session.statuses, naming: session.naming)
        }
        // The offset the screen uses: measured at attach live, the recording's own in a replay.
        let realtimeOffsetNs = collector.screenSource.clock.realtimeOffsetNs
        recorder?.start(AttachedRecord(host: collector.screenSource.host, kernel: collector.screenSource.kernelRelease,
                                       realtimeOffsetNs: realtimeOffsetNs, rootNetns: collector.namespaces.root, probes: collector.screenSource.probes))
        /// Namespace names go into the recording before the events that need them.
        func recordNamespaces(now: UInt64) {
            for r in collector.newNamespaceRecords(now: now) { recorder?.appendHeader(r.jsonLine) }
        }
        recordNamespaces(now: monotonicNow())

        let term = try TerminalScreen()
        ScreenGuard.active = true
        defer { ScreenGuard.restore() }
        let size = term.size
        guard size.rows >= 24 && size.cols >= 80 else {
            throw Failure("the terminal is \(size.cols)×\(size.rows); arptop needs at least 80×24 (enlarge it, or use --summary)")
        }

        let filter = InterfaceFilter(names: interfaces)
        var aggregator = Aggregator(naming: collector.naming)
        aggregator.interfaceFilter = filter
        var log = EventLog(capacity: logCapacity)
        let lineCache = LogLineCache()  // each logged event is formatted once
        var topUnanswered = TopUnanswered()  // the verdicts view's table, from the logged packets
        var screenSource = collector.screenSource
        var state = UIState(model: .empty(host: screenSource.host, kernelRelease: screenSource.kernelRelease),
                            size: size, refreshInterval: refresh, interfaceFilter: filter)
        var interval = UInt64(refresh * 1e9)
        let start = monotonicNow()
        let deadline = duration.map { start + UInt64($0 * 1e9) }
        var nextRefresh = start

        var replayFailure: Failure?
        if let startupProblem { screenSource.logNotice = (startupProblem, true) }
        /// The source started over (replay `[`, the demo looping): counts, rates and the log
        /// start over with it, and the log says so.
        func restart(_ note: String) {
            var fresh = Aggregator(naming: collector.naming)
            fresh.interfaceFilter = aggregator.interfaceFilter
            aggregator = fresh
            log.clear()
            topUnanswered.clear()
            screenSource.logNotice = (note, false)
        }

        /// A replay with `-i eth3` on a recording without eth3 would show nothing without a word.
        var missingNotice: String?
        func warnAboutMissingInterfaces() {
            guard !interfaces.isEmpty, aggregator.latest != nil, screenSource.logNotice?.text ?? missingNotice == missingNotice else { return }
            let seen = Set(aggregator.interfaceNames.values)
            let missing = interfaces.subtracting(seen).sorted()
            if missing.isEmpty {
                missingNotice = nil
                screenSource.logNotice = nil
                return
            }
            let has = seen.isEmpty ? "none yet" : seen.sorted().joined(separator: ", ")
            missingNotice = "no interface named \(missing.map { "'\($0)'" }.joined(separator: ", ")) in this recording so far (it has \(has))"
            screenSource.logNotice = (missingNotice!, false)
        }

        func rebuild(now: UInt64) {
            aggregator.naming = collector.naming
            screenSource.namespaces = collector.namespaces
            screenSource.label = collector.statusLabel ?? screenSource.label
            state.update(ScreenModel(aggregator: aggregator, log: log, source: screenSource,
                                     elapsedSeconds: collector.elapsedSeconds(now: now), lineCache: lineCache,
                                     topUnanswered: topUnanswered))
        }

        var fds = [pollfd(fd: term.inputFileDescriptor, events: Int16(POLLIN), revents: 0)]
        if let fd = collector.pollFD { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }

        mainLoop: while !Signals.stopRequested {
            var now = monotonicNow()
            if let deadline, now >= deadline { break }
            var wake = nextRefresh
            if let deadline { wake = min(wake, deadline) }
            let timeout = Int32(clamping: (wake > now ? wake - now : 0) / 1_000_000)
            if poll(&fds, nfds_t(fds.count), timeout) < 0 && errno != EINTR {
                throw Failure("poll failed: \(String(cString: strerror(errno)))")
            }
            // The terminal went away (SSH dropped) without a SIGHUP reaching us (nohup, a shell
            // that does not forward it): stop as for SIGHUP rather than spin on POLLHUP.
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { break mainLoop }
            now = monotonicNow()
            if replayFailure == nil {
                recordNamespaces(now: now)
                defer { recordNamespaces(now: now) }  // a replay learns them while it drains
                do {
                    try collector.drainEvents(now: now) { event in
                        if let note = collector.takeRestart() { restart(note) }
                        log.append(event)
                        topUnanswered.add(event, sequence: log.received - 1)
                        recorder?.append(EventRecord(event: event, naming: collector.naming).jsonLine(realtimeOffsetNs: realtimeOffsetNs))
                    }
                } catch let failure as Failure where session == nil {
                    // A bad line in a recording: keep what was replayed on screen, say what is
                    // wrong, and let the operator quit (then exit 1 with the same line).
                    replayFailure = failure
                    screenSource.logNotice = ("replay stopped: \(failure.description) (q quits)", true)
                    rebuild(now: now)
                    nextRefresh = now
                }
                if let note = collector.takeRestart() { restart(note) }
            }
            var redraw = false
            for key in term.readKeys() {
                // An overlay (search prompt, picker filter, help, clear question) owns every key:
                // `/10.77.0.9` is text there, not replay speed and snapshot keys.
                if !state.overlayOwnsKeys, collector.handle(key) { redraw = true; continue }
                if !state.overlayOwnsKeys, !state.isPaused, key == .character(" ") || key == .character("p"),
                   let snapshot = try collector.aggregates(now: now) {
                    // Freeze what has arrived up to now (a replay stops its clock here).
                    aggregator.ingest(snapshot)
                    recorder?.append(SnapshotRecord(snapshot: snapshot, naming: collector.naming).jsonLine)
                    rebuild(now: now)
                }
                switch state.handle(key) {
                case .ignored: break
                case .redraw: redraw = true
                case .quit: break mainLoop
                case .command(let command):
                    switch command {
                    case .clear:
                        aggregator.clear()
                        log.clear()
                        topUnanswered.clear()
                    case .setInterfaceFilter(let f):
                        aggregator.interfaceFilter = f
                    case .setRefreshInterval(let seconds):
                        interval = UInt64(seconds * 1e9)
                        nextRefresh = now + interval
                    }
                    rebuild(now: now)
                    redraw = true
                }
            }
            collector.setPaused(state.isPaused, now: now)  // a replay's playback pauses with the screen
            if let note = collector.takeRestart() {  // `[`
                restart(note)
                rebuild(now: now)
                redraw = true
            }
            if now >= nextRefresh {
                if let snapshot = try collector.aggregates(now: now) {
                    aggregator.ingest(snapshot)
                    recorder?.append(SnapshotRecord(snapshot: snapshot, naming: collector.naming).jsonLine)
                    if let message = textfile?.updateReportingOnce(snapshot, probes: collector.screenSource.probes, naming: collector.naming) {
                        screenSource.logNotice = (message, true)  // a lasting failure fails the write at exit
                    }
                }
                recorder?.flush()
                if let message = recorder?.takeFailureToReport() { screenSource.logNotice = (message, true) }
                if session == nil { warnAboutMissingInterfaces() }
                rebuild(now: now)
                nextRefresh = max(nextRefresh + interval, now + interval / 2)
                redraw = true
            }
            if redraw {
                term.draw(Renderer.render(state, glyphs: term.glyphs))
                #if DEBUG
                // Tests force a crash with the screen up (ARPTOP_TEST_CRASH_AFTER=seconds): the
                // terminal must still be restored and the probes detached.
                if let after = ProcessInfo.processInfo.environment["ARPTOP_TEST_CRASH_AFTER"].flatMap(Double.init),
                   now >= start + UInt64(after * 1e9) {
                    fatalError("ARPTOP_TEST_CRASH_AFTER")
                }
                #endif
            }
        }

        if let replayFailure { throw replayFailure }
        // Asked twice (a second apart): no last drain and read; what is owed from what was read.
        let hurry = Signals.hurry
        if let recorder, let session {
            if !hurry {
                _ = try? session.drainEvents {
                    recorder.append(EventRecord(event: $0, naming: collector.naming).jsonLine(realtimeOffsetNs: realtimeOffsetNs))
                }
            }
            if let final = hurry ? aggregator.latest : try? session.readAggregates() {
                recorder.append(SnapshotRecord(snapshot: final, naming: collector.naming).jsonLine)
                recorder.append(SummaryRecord(probes: session.statuses, snapshot: final, naming: collector.naming,
                                              eventsLogged: log.received).jsonLine)
            }
        }
        var textfileFailure: Error?
        if let textfile, let session {
            do {
                let final = hurry ? aggregator.latest : try session.readAggregates()
                try textfile.update(final, probes: session.statuses, naming: session.naming, running: false)
            } catch {
                textfileFailure = error
            }
        }
        recorder?.flush()
        if let message = recorder?.failureMessage { throw Failure(message) }
        if let textfileFailure { throw textfileFailure }
    }

    /// The terminal checks that need no terminal mode, before any BPF is loaded.
    private func preflight() throws {
        do { try TerminalScreen.preflight() } catch {
            throw Failure("\(error)")  // each TerminalError already says what to use instead
        }
    }
}

/// Restores the terminal on every way out (errors included).
enum ScreenGuard {
    nonisolated(unsafe) static var active = false
    static func restore() {
        if active { TerminalScreen.restore() }
        active = false
    }
}
