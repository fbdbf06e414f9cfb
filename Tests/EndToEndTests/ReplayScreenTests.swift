import ArptopCore
import Foundation
import Testing

/// The real binary replaying the lab recording in a private tmux server, read off the screen
/// as an operator would. Every expected number comes from `LabRecording`, not from arptop.
@Suite("live screen in tmux (replay)", .enabled(if: Prerequisite.runs(Prerequisite.tmux), "needs tmux"))
struct ReplayScreenTests {
    static let lab = LabRecording()

    /// The lab recording in a scratch directory (named as the screen shows it).
    final class Recording {
        let scratch: ScratchDirectory
        let path: String
        init(_ text: String = ReplayScreenTests.lab.text, name: String = "lab.ndjson") throws {
            scratch = try ScratchDirectory()
            path = try scratch.write(name, text)
        }
    }

    /// Asserts that `screen` shows exactly `expected` in all four panes and in the header.
    static func expectNumbers(_ screen: Screen, _ expected: LabRecording.ScreenNumbers,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        let shown = screen.numbers
        #expect(shown == expected, "pane numbers differ from the recording's\n\(screen)", sourceLocation: sourceLocation)
        #expect(screen.headerEvents == expected.total, "header events", sourceLocation: sourceLocation)
    }

    @Test("replay reaches the end; panes and header show the last snapshot's exact counts")
    func replayToEnd() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.5"])
        // Some data first, at ×1: the numbers shown then are one snapshot's, exactly.
        let early = try tmux.waitFor("the first counts") { ($0.headerEvents ?? 0) > 0 }
        let snapshots = Self.lab.snapshotNumbers()
        #expect(early.numbers.map { snapshots.contains($0) } == true, "mid-replay numbers match no snapshot\n\(early)")
        #expect(early.isWideLayout)
        // Then faster (×8) to the end.
        try tmux.keys(">", ">", ">")
        try tmux.waitFor("×8 in the header") { $0.replayState?.speed == "8" }
        let end = try tmux.waitFor("the end of the replay", timeout: 60) { $0.replayState?.atEnd == true }
        let final = Self.lab.finalNumbers()
        Self.expectNumbers(end, final)
        // The totals a reader checks first, literally as drawn.
        #expect(end.contains("1  arp_process  fentry "), "\(end)")
        #expect(end.contains("4  fib_validate_source  kprobe "), "\(end)")
        #expect(end.contains("3  fib_lookup  fentry fib_table_lookup "), "\(end)")
        #expect(end.lines[1].contains("sampled \(Self.format(Self.sampledAtEnd))"), "\(end.lines[1])")
        #expect(final.panes[.fibValidateSource]?.bars["EXDEV"] ?? 0 > 0)
        #expect(final.panes[.fibLookup]?.bars.keys.sorted() == ["RTN_LOCAL", "RTN_UNICAST"])
        // vb's calls (the replies received in the peer namespace) carry their namespace's name.
        let vb = end.logLines.filter { $0.interface.hasPrefix("vb") }.map(\.interface)
        #expect(vb.allSatisfy { $0 == "vb@t1" }, "\(end)")
    }

    @Test("the log's times: the viewer's wall clock with the date when the recording has the offset, else since boot")
    func logTimes() throws {
        try Prerequisite.require(Prerequisite.tmux)
        // Booted 2020-01-01 00:00:00 UTC: the lab's events (about 2 h after boot) are on a day that is not today.
        let kernel = #""kernel":"6.1.0-28-amd64","#
        let text = Self.lab.text.replacingOccurrences(of: kernel, with: kernel + #""realtime_offset_ns":1577836800000000000,"#)
        for (recording, expected) in [(try Recording(text), #/^ 2020-01-01 0[23]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3} /#),
                                      (try Recording(), #/^ boot\+[0-9]+\.[0-9]{3}s /#)] {
            let tmux = try TmuxSession()
            defer { tmux.close() }
            try tmux.launchArptop(["--replay", recording.path], wrapper: ["env", "TZ=UTC"])
            try tmux.keys("]")
            let end = try tmux.waitFor("the end of the replay", timeout: 60) { $0.replayState?.atEnd == true && $0.logLines.count > 5 }
            let heading = try #require(end.lines.firstIndex(where: { $0.hasPrefix(" TIME ") }), "\(end)")
            // Every log line: one starting with a digit (a time of day, a date, or the old seconds) or "boot+".
            let lines = end.lines[(heading + 1)...].filter { $0.hasPrefix(" boot+") || ($0.dropFirst().first?.isNumber ?? false) }
            #expect(!lines.isEmpty, "\(end)")
            #expect(lines.allSatisfy { $0.firstMatch(of: expected) != nil }, "\(end)")
        }
    }

    @Test("space pauses the replay (screen and playback); resuming plays on to the end, nothing lost")
    func pauseAndResume() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.5"])
        try tmux.waitFor("the first counts") { ($0.headerEvents ?? 0) > 0 }
        try tmux.keys("Space")
        let paused = try tmux.waitFor("the PAUSED banner") { $0.eventsSincePause != nil }
        let frozen = try #require(paused.numbers, "\(paused)")
        #expect(Self.lab.snapshotNumbers().contains(frozen), "the frozen numbers are no snapshot's\n\(paused)")
        #expect(frozen != Self.lab.finalNumbers(), "paused too late: the replay had already ended")
        #expect(paused.contains("space resume"), "the footer offers resume\n\(paused)")
        // Playback is paused too: two seconds later nothing has arrived and the position is the same.
        usleep(2_000_000)
        let later = try tmux.capture()
        #expect(later.eventsSincePause == 0, "playback ran on while paused\n\(later.lines[0])")
        #expect(later.replayPosition?.at == paused.replayPosition?.at, "\(later.lines[0])")
        #expect(later.numbers == frozen)

        try tmux.keys("Space", ">", ">", ">")
        let end = try tmux.waitFor("the end of the replay", timeout: 60) { $0.replayState?.atEnd == true && $0.eventsSincePause == nil }
        Self.expectNumbers(end, Self.lab.finalNumbers())
        #expect(end.contains("space pause"))
    }

    @Test("interface picker: selecting vc only shows exactly vc's counts, retroactively")
    func pickerSelectsInterface() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.5"])
        try tmux.waitFor("all three interfaces to have counts") { ($0.headerEvents ?? 0) > 0 }
        try tmux.keys("i")
        // Showing all, the picker opens with nothing ticked ("all selected").
        // vb is in the peer namespace: named from the recording's netns record, as in the log.
        try tmux.waitFor("the picker listing va, vb@t1 and vc") { s in
            s.contains(" Interfaces ") && s.contains(" all selected ")
                && ["[ ] va ", "[ ] vb@t1 ", "[ ] vc "].allSatisfy { s.contains($0) }
        }
        // Type to narrow the list to vc, tick it with space, clear the typed filter to see every row.
        try tmux.type("vc")
        try tmux.waitFor("the list filtered to vc") { $0.contains("filter: vc") && $0.contains("[ ] vc ") && !$0.contains("[ ] va ") }
        try tmux.keys("Space")
        try tmux.waitFor("vc ticked") { $0.contains("[x] vc ") }
        try tmux.keys("C-u")
        let picked = try tmux.waitFor("only vc ticked") { s in
            s.contains("1 of 3 selected") && s.contains("[x] vc ") && s.contains("[ ] va ") && s.contains("[ ] vb@t1 ")
        }
        #expect(picked.contains("[x] vc "))
        try tmux.keys("Enter")
        let filtered = try tmux.waitFor("the filter in the header") { $0.headerInterfaces == "vc" && !$0.contains(" Interfaces ") }
        // Retroactive: the numbers at once are vc's share of some snapshot, calls from before the filter included.
        let vcSnapshots = Self.lab.snapshotNumbers(interfaces: ["vc"])
        let shown = try #require(filtered.numbers, "\(filtered)")
        #expect(vcSnapshots.contains(shown), "filtered numbers are not vc's at any snapshot\n\(filtered)")
        #expect(shown.total > 0)
        #expect(!Self.lab.snapshotNumbers().contains(shown), "the numbers did not change with the filter")

        try tmux.keys(">", ">", ">")
        let end = try tmux.waitFor("the end of the replay", timeout: 60) { $0.replayState?.atEnd == true && $0.headerInterfaces == "vc" }
        Self.expectNumbers(end, Self.lab.finalNumbers(interfaces: ["vc"]))
    }

    @Test("-i vc on the command line shows vc's counts from the first screen on")
    func interfaceOption() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.5", "-i", "vc"])
        let first = try tmux.waitFor("the first counts") { ($0.headerEvents ?? 0) > 0 }
        #expect(first.headerInterfaces == "vc", "\(first.lines.prefix(2))")
        let shown = try #require(first.numbers, "\(first)")
        #expect(Self.lab.snapshotNumbers(interfaces: ["vc"]).contains(shown), "not vc's numbers at any snapshot\n\(first)")

        try tmux.keys(">", ">", ">")
        let end = try tmux.waitFor("the end of the replay", timeout: 60) { $0.replayState?.atEnd == true }
        Self.expectNumbers(end, Self.lab.finalNumbers(interfaces: ["vc"]))
        // The log shows vc's calls only (the recording logs calls on va and vb too).
        let logLines = end.logLines
        #expect(logLines.count > 10, "\(end)")
        #expect(logLines.allSatisfy { $0.interface == "vc" }, "the log shows other interfaces\n\(end)")
        #expect(logLines.contains { $0.function == "fib_validate_source" && $0.returnName == "EXDEV" }, "\(end)")
    }

    @Test("-i naming an interface the recording lacks: the screen says so instead of staying empty")
    func missingInterfaceIsSaid() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.5", "-i", "eth3"])
        let said = try tmux.waitFor("the missing-interface note") { $0.contains("no interface named 'eth3' in this recording so far (it has va, vb, vc)") }
        #expect(said.headerEvents == 0, "\(said.lines[1])")
    }

    @Test("resizing: 100×30 redraws stacked, 70×20 says too small, 160×48 restores the wide layout")
    func resize() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.5"])
        try tmux.keys(">", ">", ">", ">")
        let wide = try tmux.waitFor("the end of the replay", timeout: 60) { $0.replayState?.atEnd == true }
        let final = Self.lab.finalNumbers()
        #expect(wide.isWideLayout, "\(wide)")
        Self.expectNumbers(wide, final)

        try tmux.resize(cols: 100, rows: 30)
        let narrow = try tmux.waitFor("the narrow layout at 100×30") { $0.width == 100 && $0.isNarrowLayout }
        #expect(narrow.lines.count == 30)
        #expect(narrow.maxLineWidth <= 100)
        #expect(narrow.lines.last?.contains("? help") == true, "the footer is on the last row\n\(narrow)")
        Self.expectNumbers(narrow, final)

        try tmux.resize(cols: 70, rows: 20)
        let small = try tmux.waitFor("the too-small message") { $0.width == 70 && $0.contains("Terminal too small: 70×20") }
        #expect(small.contains("arptop needs at least 80×24"), "\(small)")
        #expect(small.paneTitles.isEmpty, "panes drawn on a too-small screen\n\(small)")

        try tmux.resize(cols: 160, rows: 48)
        let restored = try tmux.waitFor("the wide layout again") { $0.width == 160 && $0.isWideLayout }
        #expect(!restored.contains("too small"))
        Self.expectNumbers(restored, final)
    }

    @Test("resizing works when arptop inherits SIGWINCH blocked (as from a test runner's or supervisor's thread)")
    func resizeWithSIGWINCHBlocked() throws {
        try Prerequisite.require(Prerequisite.tmux)
        // perl-base is essential on Debian; it blocks the signal and execs arptop with that mask.
        guard let perl = TestEnvironment.which("perl") else {
            #expect(!TestEnvironment.isCI, "perl is missing, and CI=true")
            return
        }
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.5"], wrapper: [
            perl, "-MPOSIX", "-e", "sigprocmask(SIG_BLOCK, POSIX::SigSet->new(\(SIGWINCH))) or die; exec @ARGV or die",
        ])
        try tmux.waitFor("the first counts") { ($0.headerEvents ?? 0) > 0 && $0.isWideLayout }
        try tmux.resize(cols: 100, rows: 30)
        let narrow = try tmux.waitFor("the narrow layout at 100×30") { $0.width == 100 && $0.isNarrowLayout }
        #expect(narrow.maxLineWidth <= 100)
    }

    @Test("? opens the key help; Esc closes it")
    func help() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        let before = try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.5"])
        #expect(!before.contains("arptop keys"))
        try tmux.keys("?")
        let help = try tmux.waitFor("the help box") { $0.contains(" arptop keys ") }
        for key in ["space, p", "Tab, 1-4", "Enter", "Esc", "Up/Down, PgUp/PgDn", "Home, End", "/, e", "c",
                    "+, -", "?, F1", "q, F10, Ctrl-C", ">, <, .", "[, ]"] {
            #expect(help.lines.contains { $0.contains("│ \(key) ") }, "help does not list \(key)\n\(help)")
        }
        #expect(help.contains("pause / resume"))
        #expect(help.contains("raw return value"), "the help explains raw values\n\(help)")
        #expect(help.lines.last?.contains("any key close help") == true, "\(help.lines.last ?? "")")
        try tmux.keys("Escape")
        let closed = try tmux.waitFor("the help box to close") { !$0.contains("arptop keys") }
        #expect(closed.lines.last?.contains("? help") == true, "\(closed.lines.last ?? "")")
        #expect(closed.isWideLayout)
    }

    @Test("text entry owns every key: /10.77.0.9 is typed as is, the replay speed does not change")
    func searchTypesReplayKeys() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.5"])
        try tmux.keys("/")
        try tmux.type("10.77.0.9<>")
        let typed = try tmux.waitFor("the typed filter") { $0.lines.last?.hasPrefix("/10.77.0.9<>") == true }
        #expect(typed.replayState?.speed == "1", "\(typed.lines[0])")
        try tmux.keys("Escape", "i")
        try tmux.type("eth0.100")
        let picker = try tmux.waitFor("the picker filter") { $0.contains("filter: eth0.100") }
        #expect(picker.replayState?.speed == "1", "\(picker.lines[0])")
    }

    @Test("/10.77.2. in a replay: only the lines of that subnet (vc's) stay, the log's rule says so; e, then Esc twice")
    func filterByAddress() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.2"])
        try tmux.keys("]")
        let end = try tmux.waitFor("the end of the replay", timeout: 60) { $0.replayState?.atEnd == true && $0.logLines.count > 5 }
        // Unfiltered, the log holds va's and vb@t1's lines too (10.77.0.x only).
        #expect(end.logLines.contains { $0.interface != "vc" }, "\(end)")
        try tmux.keys("/")
        try tmux.type("10.77.2.")
        _ = try tmux.waitFor("the filter prompt") { $0.lines.last?.hasPrefix("/10.77.2.") == true }
        try tmux.keys("Enter")
        let filtered = try tmux.waitFor("only vc's lines") {
            $0.lines.contains { $0.hasPrefix("─ Event log  filter: 10.77.2. ") } && $0.logLines.count > 5
        }
        #expect(filtered.logLines.allSatisfy { $0.interface == "vc" }, "\(filtered)")
        let rule = try #require(filtered.lines.first { $0.hasPrefix("─ Event log ") })
        #expect(rule.firstMatch(of: #/ [0-9,]+ of [0-9,]+ lines /#) != nil, "\(rule)")
        #expect(filtered.lines.last?.contains("/ edit filter") == true, "\(filtered.lines.last ?? "")")
        // Errors only on top: every line left failed, or is a packet (its verdict says unanswered).
        try tmux.keys("e")
        let errors = try tmux.waitFor("errors only") { $0.contains(" errors/unanswered only ") && $0.logLines.count > 0 }
        #expect(errors.logLines.allSatisfy { $0.interface == "vc" && ($0.returnName != "0" || $0.function == "arp_process") }, "\(errors)")
        // Esc clears the text, then errors only: the whole log again.
        try tmux.keys("Escape")
        _ = try tmux.waitFor("the text filter cleared") { !$0.contains("filter: 10.77.2.") && $0.contains(" errors/unanswered only ") }
        try tmux.keys("Escape")
        let all = try tmux.waitFor("every line again") { screen in screen.lines.contains { $0.hasPrefix("─ Event log ") && $0.contains(" logged ") } }
        #expect(all.logLines.contains { $0.interface != "vc" }, "\(all)")
    }

    @Test("replay controls: position / total; > and < never underflow; pause stops playback; ] ends; [ restarts")
    func replayControls() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.2"])
        let total = Int(Double(LabRecording.tickNs) * Double(Self.lab.ticks) / 1e9)  // 10 s
        let first = try tmux.waitFor("a position") { $0.replayPosition != nil && ($0.headerEvents ?? 0) > 0 }
        #expect(first.replayPosition?.total == total, "\(first.lines[0])")
        for _ in 0..<6 { try tmux.keys(">") }
        for _ in 0..<6 { try tmux.keys("<") }
        let back = try tmux.waitFor("×1 again") { $0.replayState?.speed == "1" }
        let at = try #require(back.replayPosition, "\(back.lines[0])")
        #expect(at.at <= total, "position past the end: \(back.lines[0])")
        let up = try #require(back.lines[0].firstMatch(of: #/  up ([0-9]+):([0-9]{2})  /#), "no sane up: \(back.lines[0])")
        #expect(Int(up.1)! * 60 + Int(up.2)! <= total, "\(back.lines[0])")
        // Paused: the position stays, nothing arrives.
        try tmux.keys("Space")
        let paused = try tmux.waitFor("PAUSED") { $0.eventsSincePause != nil }
        usleep(1_500_000)
        let still = try tmux.capture()
        #expect(still.replayPosition?.at == paused.replayPosition?.at, "playback ran on while paused\n\(still.lines[0])")
        #expect(still.eventsSincePause == 0, "\(still.lines[0])")
        try tmux.keys("Space", "]")
        let end = try tmux.waitFor("the end") { $0.replayState?.atEnd == true }
        Self.expectNumbers(end, Self.lab.finalNumbers())
        #expect(end.replayPosition.map { $0.at == $0.total } == true, "\(end.lines[0])")
        #expect(end.lines[0].contains("up 0:\(total < 10 ? "0" : "")\(total)"), "\(end.lines[0])")
        try tmux.keys("[")
        let again = try tmux.waitFor("the restart note") { $0.contains("replay restarted from the beginning") }
        #expect(again.replayState?.atEnd == false, "\(again.lines[0])")
        #expect((again.headerEvents ?? .max) < Self.lab.finalNumbers().total, "\(again.lines[1])")
    }

    @Test("the demo marks its loop: a note above the log, counts and log start over together")
    func demoLoopIsMarked() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--demo", "--refresh", "0.2"])
        // The position reads `time / total ×1`; the total is the demo's length, whatever recording it is.
        let first = try tmux.waitFor("the demo's position") { $0.lines[0].firstMatch(of: #/ / [0-9]+:[0-9]{2} ×1/#) != nil && ($0.headerEvents ?? 0) > 0 }
        #expect(!first.contains("demo restarts"), "\(first)")
        let total = try #require(first.lines[0].firstMatch(of: #/ / ([0-9]+:[0-9]{2}) ×1/#).map { String($0.1) })
        // To the end: the next record read is the first of the next loop.
        try tmux.keys("]")
        let looped = try tmux.waitFor("the loop note") { $0.contains("demo restarts (loop 2): counts and log start over") }
        // Counts and log restarted together: no more calls logged than counted since the restart.
        let logged = try #require(looped.lines.first { $0.contains(" logged ") }?.firstMatch(of: #/([0-9,]+) logged/#).map { Screen.number($0.1) })
        #expect(logged <= (looped.headerEvents ?? 0) || looped.headerEvents == 0, "\(looped)")
        #expect(looped.lines[0].contains(" / \(total) ") && looped.lines[0].firstMatch(of: #/ 0:0[0-9] \/ /#) != nil,
                "the position starts over\n\(looped.lines[0])")
        // The counts restarted: fewer than the whole demo's (its last snapshot, read here).
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/arptop/demo/demo.ndjson").path
        let reader = try RecordingReader(path: demo)
        var whole: UInt64 = 0
        while let r = try reader.next() { if case .snapshot(let snap) = r.record { whole = snap.rows.reduce(0) { $0 + $1.count } } }
        #expect(whole > 0)
        #expect((looped.headerEvents ?? .max) < whole, "the counts did not start over: \(looped.lines[1])")
    }

    @Test("q exits with status 0 and leaves the terminal as it was")
    func quitRestoresTerminal() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let recording = try Recording()
        let tmux = try TmuxSession()
        defer { tmux.close() }
        // The terminal's settings before arptop, for comparison.
        try tmux.run("stty -g > '\(recording.scratch.url.path)/stty-before'; clear")
        try tmux.waitFor("a clear screen") { $0.lines.filter { !$0.isEmpty }.count == 1 }
        try tmux.launchArptop(["--replay", recording.path, "--refresh", "0.5"])
        #expect(try tmux.format("#{alternate_on}") == "1", "arptop draws on the alternate screen")
        #expect(try tmux.format("#{cursor_flag}") == "0", "arptop hides the cursor")
        try tmux.keys("q")
        let after = try tmux.waitFor("the shell again") { $0.lines.contains { $0.firstMatch(of: #/^arptop-exit=[0-9]+$/#) != nil } }
        let exitLine = after.lines.first { $0.hasPrefix("arptop-exit=") }
        #expect(exitLine == "arptop-exit=0", "\(after)")
        #expect(try tmux.format("#{alternate_on}") == "0", "still on the alternate screen")
        #expect(try tmux.format("#{cursor_flag}") == "1", "the cursor is still hidden")
        #expect(try tmux.format("#{keypad_flag}") == "0", "keypad transmit mode left on")
        // Same line discipline settings as before (echo, icanon, ...).
        try tmux.run("stty -g | cmp -s - '\(recording.scratch.url.path)/stty-before' && echo stty-same || echo stty-changed")
        let stty = try tmux.waitFor("the stty comparison") { $0.lines.contains("stty-same") || $0.lines.contains("stty-changed") }
        #expect(stty.lines.contains("stty-same"), "\(stty)")
        // Typed text is echoed by the terminal.
        try tmux.type("echo typed-after-arptop")
        try tmux.waitFor("the typed text echoed") { $0.lines.last { !$0.isEmpty }?.hasSuffix("echo typed-after-arptop") == true }
        try tmux.keys("Enter")
        try tmux.waitFor("the command's output") { $0.lines.contains("typed-after-arptop") }
    }

    @Test("a real recording from a locked-down kernel: three panes say why they are unavailable; fib_lookup counts exact")
    func hostTracepointRecording() throws {
        try Prerequisite.require(Prerequisite.tmux)
        let url = try #require(Bundle.module.resourceURL?.appendingPathComponent("Fixtures/host-tracepoint.ndjson"))
        // What the recording's own summary says.
        let reader = try RecordingReader(path: url.path)
        var summary: SummaryRecord?
        while let r = try reader.next() { if case .summary(let s) = r.record { summary = s } }
        let fib = try #require(summary?.functions.first { $0.function == .fibLookup })
        var expected = LabRecording.PaneNumbers(calls: fib.calls)
        for row in fib.rows { expected.bars[row.routeTypeName ?? row.returnName, default: 0] += row.count }
        #expect(expected.calls > 0 && expected.bars.count == 2)

        let tmux = try TmuxSession()
        defer { tmux.close() }
        try tmux.launchArptop(["--replay", url.path, "--refresh", "0.5"])
        try tmux.keys(">", ">", ">")
        let end = try tmux.waitFor("the end of the replay", timeout: 60) { $0.replayState?.atEnd == true }
        let shown = try #require(end.numbers, "\(end)")
        #expect(shown.panes.count == 1, "only fib_lookup has counts\n\(end)")
        #expect(shown.panes[.fibLookup] == expected, "\(end)")
        #expect(end.headerEvents == expected.calls)
        #expect(end.contains("3  fib_lookup  tracepoint fib:fib_table_lookup "), "\(end)")
        for f in [KernelFunction.arpProcess, .ipRouteInputSlow, .fibValidateSource] {
            #expect(end.contains("\(f.rawValue + 1)  \(f.name)  unavailable "), "\(f.name)\n\(end)")
        }
        #expect(end.contains("not attached: fentry: EPERM (tracing programs refused; kernel lockdown?);"), "\(end)")
        #expect(end.contains("no counts are collected for this function"))
    }

    // MARK: -

    static var sampledAtEnd: UInt64 {
        let summary = lab.lines.last!
        // The stats of the last snapshot (the line before the summary).
        let snapshot = lab.lines[lab.lines.count - 2]
        precondition(summary.contains("\"summary\""))
        let m = snapshot.firstMatch(of: #/"sampled":([0-9]+)/#)!
        return UInt64(m.1)!
    }

    static func format(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }
}
