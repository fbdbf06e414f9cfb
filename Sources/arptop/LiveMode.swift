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
        let (collector, kernel) = try attach()
        defer { kernel?.close() }
        let outputs = try Outputs(recordPath: recordPath, recordMaxBytes: recordMaxBytes,
                                  prometheusTextfile: prometheusTextfile, interfaces: interfaces)
        defer { outputs.close() }
        try kernel?.dropPrivileges(keeping: outputs)
        // The offset the screen uses: measured at attach live, the recording's own in a replay.
        let source = collector.screenSource
        outputs.recorder?.start(AttachedRecord(host: source.host, kernel: source.kernelRelease, realtimeOffsetNs: source.clock.realtimeOffsetNs,
                                               rootNetns: collector.namespaces.root, probes: source.probes))
        outputs.record(collector.newNamespaceRecords(now: monotonicNow()))

        let term = try TerminalScreen()
        ScreenGuard.active = true
        defer { ScreenGuard.restore() }
        guard term.size.rows >= 24 && term.size.cols >= 80 else {
            throw Failure("the terminal is \(term.size.cols)×\(term.size.rows); arptop needs at least 80×24 (enlarge it, or use --summary)")
        }
        let screen = LiveScreen(collector: collector, outputs: outputs, term: term, interfaces: interfaces,
                                refresh: refresh, duration: duration, logCapacity: logCapacity, isReplay: kernel == nil)
        try screen.run()
        try screen.finish(kernel)
    }

    /// The collector: the kernel's probes attached (after the terminal checks, before any
    /// terminal mode), or a recording opened (a bad file is named first).
    private func attach() throws -> (any Collector, KernelRun?) {
        switch source {
        case .kernel(let options):
            try preflight()  // before any BPF is loaded
            let kernel = try KernelRun(options: options)
            return (LiveCollector(kernel: kernel), kernel)
        case .replay(let path, let loop, let label):
            let collector = try ReplayCollector(path: path, loop: loop, label: label)
            try preflight()
            return (collector, nil)
        }
    }

    /// The terminal checks that need no terminal mode, before any BPF is loaded.
    private func preflight() throws {
        do { try TerminalScreen.preflight() } catch {
            throw Failure("\(error)")  // each TerminalError already says what to use instead
        }
    }
}

/// The live screen's loop and the state it keeps: the run's one `Aggregator` (counts, and the
/// interface filter it owns), the event log, the top unanswered and the UI state.
private final class LiveScreen {
    let collector: any Collector
    let outputs: Outputs
    let term: TerminalScreen
    /// `-i`: a replay warns about the names its recording lacks.
    let interfaces: Set<String>
    let isReplay: Bool
    var aggregator: Aggregator
    var log: EventLog
    let lineCache = LogLineCache()  // each logged event is formatted once
    var topUnanswered = TopUnanswered()  // the verdicts view's table, from the logged packets
    var screenSource: ScreenSource
    var state: UIState
    var interval: UInt64
    let start: UInt64
    let deadline: UInt64?
    var nextRefresh: UInt64
    var redraw = false
    /// A bad line in a recording: the screen stays until `q`, then arptop exits 1 with it.
    var replayFailure: Failure?
    /// The note shown while `-i` names an interface the recording has not shown (yet).
    var missingNotice: String?
    var fds: [pollfd]

    init(collector: any Collector, outputs: Outputs, term: TerminalScreen, interfaces: Set<String>,
         refresh: Double, duration: Double?, logCapacity: Int, isReplay: Bool) {
        self.collector = collector
        self.outputs = outputs
        self.term = term
        self.interfaces = interfaces
        self.isReplay = isReplay
        aggregator = Aggregator(naming: collector.naming, interfaceFilter: InterfaceFilter(names: interfaces))
        log = EventLog(capacity: logCapacity)
        screenSource = collector.screenSource
        state = UIState(model: .empty(host: screenSource.host, kernelRelease: screenSource.kernelRelease),
                        size: term.size, refreshInterval: refresh)
        interval = UInt64(refresh * 1e9)
        let start = monotonicNow()
        self.start = start
        deadline = duration.map { start + UInt64($0 * 1e9) }
        nextRefresh = start
        fds = [pollfd(fd: term.inputFileDescriptor, events: Int16(POLLIN), revents: 0)]
        if let fd = collector.pollFD { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
    }

    func run() throws {
        while !Signals.stopRequested, try waitForInput() {
            let now = monotonicNow()
            try drain(now: now)
            guard try handleKeys(now: now) else { return }
            followRestart(now: now)
            if now >= nextRefresh { try refresh(now: now) }
            if redraw { draw(now: now) }
        }
    }

    /// Waits for a key, an event or the next refresh; false when the run is over (--duration
    /// elapsed, or the terminal went away).
    private func waitForInput() throws -> Bool {
        let now = monotonicNow()
        if let deadline, now >= deadline { return false }
        var wake = nextRefresh
        if let deadline { wake = min(wake, deadline) }
        let timeout = Int32(clamping: (wake > now ? wake - now : 0) / 1_000_000)
        if poll(&fds, nfds_t(fds.count), timeout) < 0 && errno != EINTR {
            throw Failure("poll failed: \(String(cString: strerror(errno)))")
        }
        // The terminal went away (SSH dropped) without a SIGHUP reaching us (nohup, a shell
        // that does not forward it): stop as for SIGHUP rather than spin on POLLHUP.
        return fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) == 0
    }

    /// The events that arrived: into the log, the top unanswered and the recording.
    private func drain(now: UInt64) throws {
        guard replayFailure == nil else { return }
        outputs.record(collector.newNamespaceRecords(now: now))
        defer { outputs.record(collector.newNamespaceRecords(now: now)) }  // a replay learns them while it drains
        do {
            try collector.drainEvents(now: now) { event in
                if let note = collector.takeRestart() { restart(note) }
                aggregator.learn(event)
                log.append(event)
                topUnanswered.add(event, sequence: log.received - 1)
                record(event)
            }
        } catch let failure as Failure where isReplay {
            // A bad line in a recording: keep what was replayed on screen, say what is
            // wrong, and let the operator quit (then exit 1 with the same line).
            replayFailure = failure
            screenSource.logNotice = ("replay stopped: \(failure.description) (q quits)", true)
            rebuild(now: now)
            nextRefresh = now
        }
        if let note = collector.takeRestart() { restart(note) }
    }

    /// The keys typed: to the collector (replay speed), the pause freezing what has arrived,
    /// the UI state and its commands. False on quit.
    private func handleKeys(now: UInt64) throws -> Bool {
        for key in term.readKeys() {
            // An overlay (search prompt, picker filter, help, clear question) owns every key:
            // `/10.77.0.9` is text there, not replay speed and snapshot keys.
            if !state.overlayOwnsKeys, collector.handle(key) { redraw = true; continue }
            if !state.overlayOwnsKeys, !state.isPaused, key == .character(" ") || key == .character("p"),
               let snapshot = try collector.aggregates(now: now) {
                ingest(snapshot)  // freeze what has arrived up to now (a replay stops its clock here)
                rebuild(now: now)
            }
            switch state.handle(key) {
            case .ignored: break
            case .redraw: redraw = true
            case .quit: return false
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
        return true
    }

    /// `[`: the replay started over.
    private func followRestart(now: UInt64) {
        guard let note = collector.takeRestart() else { return }
        restart(note)
        rebuild(now: now)
        redraw = true
    }

    /// The kernel's counts read (a replay's latest snapshot), the files written, the model rebuilt.
    private func refresh(now: UInt64) throws {
        if let snapshot = try collector.aggregates(now: now) {
            ingest(snapshot)
        }
        // A lasting failure fails the write at exit.
        if let message = outputs.refreshed(aggregator, probes: collector.screenSource.probes).first { screenSource.logNotice = (message, true) }
        if isReplay { warnAboutMissingInterfaces() }
        rebuild(now: now)
        nextRefresh = max(nextRefresh + interval, now + interval / 2)
        redraw = true
    }

    private func ingest(_ snapshot: AggregateSnapshot) {
        aggregator.ingest(snapshot)
        outputs.ingested(snapshot, by: aggregator)
    }

    /// `--record` honours `-i` as `--json` does (the outputs' filter, not the picker's choice).
    private func record(_ event: ProbeEvent) {
        guard outputs.recorder != nil, outputs.admits(event) else { return }
        outputs.record(EventRecord(event: event, naming: collector.naming), realtimeOffsetNs: collector.screenSource.clock.realtimeOffsetNs)
    }

    private func draw(now: UInt64) {
        redraw = false
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

    /// The source started over (replay `[`, the demo looping): counts, rates and the log
    /// start over with it, and the log says so. The interface filter stays.
    private func restart(_ note: String) {
        aggregator = Aggregator(naming: collector.naming, interfaceFilter: aggregator.interfaceFilter)
        log.clear()
        topUnanswered.clear()
        screenSource.logNotice = (note, false)
    }

    private func rebuild(now: UInt64) {
        aggregator.naming = collector.naming
        screenSource.namespaces = collector.namespaces
        screenSource.label = collector.statusLabel ?? screenSource.label
        state.update(ScreenModel(aggregator: aggregator, log: log, source: screenSource,
                                 elapsedSeconds: collector.elapsedSeconds(now: now), lineCache: lineCache,
                                 topUnanswered: topUnanswered))
    }

    /// A replay with `-i eth3` on a recording without eth3 would show nothing without a word.
    private func warnAboutMissingInterfaces() {
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

    /// The end: a replay stopped by a bad line fails; a kernel run drains and reads a last
    /// time, records the summary and writes the files it owes.
    func finish(_ kernel: KernelRun?) throws {
        if let replayFailure { throw replayFailure }
        guard let kernel else { return try outputs.finish(final: nil, aggregator: aggregator, probes: []) }
        let final = try kernel.lastSnapshot(previous: aggregator.latest) {
            _ = try kernel.session.drainEvents { self.record($0) }
        }
        aggregator.ingest(final)
        // The recording has the `-i` interfaces: so has its summary.
        try outputs.finish(final: final, aggregator: aggregator, probes: kernel.probes)
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
