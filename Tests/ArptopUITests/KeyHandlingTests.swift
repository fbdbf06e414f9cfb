import ArptopCore
import Testing
@testable import ArptopUI

@Suite("Key handling on the UI state")
struct KeyHandlingTests {
    static let wide = TerminalSize(rows: 48, cols: 160)

    @Test("quit keys", arguments: [Key.character("q"), .function(10), .control("c")])
    func quit(key: Key) {
        var s = Fixtures.state()
        #expect(s.handle(key) == .quit)
    }

    @Test("every key in the help does something on the main screen", arguments: [
        Key.character(" "), .character("p"), .character("i"), .tab, .backTab, .character("1"), .character("2"),
        .character("3"), .character("4"), .enter, .up, .pageUp, .home, .character("/"), .character("c"),
        .character("+"), .character("-"), .character("?"), .function(1), .character("v"), .character("l"),
    ])
    func mainKeysHandled(key: Key) {
        var s = Fixtures.state()
        #expect(s.handle(key) != .ignored)
    }

    @Test func unknownKeyIsIgnored() {
        var s = Fixtures.state()
        #expect(s.handle(.character("z")) == .ignored)
        #expect(s.handle(.escape) == .ignored)
        #expect(s.handle(.end) == .redraw)  // already following: harmless
        #expect(s.handle(.control("l")) == .redraw)  // Ctrl-L: repaint
    }

    @Test func pauseFreezesTheScreenNotTheData() {
        var s = Fixtures.state()
        #expect(s.handle(.character(" ")) == .redraw)
        let paused = s.isPaused
        #expect(paused)
        s.update(Fixtures.laterModel())
        #expect(s.displayedModel == Fixtures.model())
        #expect(s.live == Fixtures.laterModel())
        #expect(s.eventsSincePause == 1_234)
        #expect(s.handle(.character("p")) == .redraw)
        #expect(s.displayedModel == Fixtures.laterModel())
        #expect(s.eventsSincePause == 0)
    }

    @Test func focusCyclesAndJumps() {
        var s = Fixtures.state()
        #expect(s.focus == .arpProcess)
        _ = s.handle(.tab)
        #expect(s.focus == .ipRouteInputSlow)
        _ = s.handle(.backTab)
        _ = s.handle(.backTab)
        #expect(s.focus == .fibValidateSource)
        _ = s.handle(.character("3"))
        #expect(s.focus == .fibLookup)
        _ = s.handle(.tab)
        _ = s.handle(.tab)
        #expect(s.focus == .arpProcess)
    }

    @Test func zoomAndBack() {
        var s = Fixtures.state()
        _ = s.handle(.character("4"))
        _ = s.handle(.enter)
        #expect(s.isZoomed)
        #expect(s.layout.zoom != nil)
        // Scrolling the (hidden) log does nothing while zoomed; Tab moves the zoom.
        #expect(s.handle(.up) == .ignored)
        _ = s.handle(.tab)
        #expect(s.focus == .arpProcess)
        #expect(s.handle(.escape) == .redraw)
        #expect(!s.isZoomed)
    }

    // MARK: Log scrolling

    @Test func scrollingBackStopsFollowingAndEndResumes() throws {
        var s = Fixtures.state()
        let vp = s.layout.logViewportHeight
        let count = s.displayedModel.log.lines.count
        #expect(s.visibleLogRange(viewport: vp) == (count - vp)..<count)
        #expect(s.handle(.up) == .redraw)
        #expect(!s.isFollowingLog)
        #expect(s.visibleLogRange(viewport: vp) == (count - vp - 1)..<(count - 1))
        _ = s.handle(.pageUp)
        #expect(s.visibleLogRange(viewport: vp).upperBound == count - 1 - (vp - 1))
        _ = s.handle(.home)
        #expect(s.visibleLogRange(viewport: vp) == 0..<vp)
        #expect(s.handle(.up) == .ignored)  // already at the oldest line
        #expect(s.handle(.end) == .redraw)
        #expect(s.isFollowingLog)
    }

    @Test func scrollingDownToTheNewestLineFollowsAgain() {
        var s = Fixtures.state()
        _ = s.handle(.up)
        _ = s.handle(.up)
        _ = s.handle(.down)
        #expect(!s.isFollowingLog)
        _ = s.handle(.pageDown)
        #expect(s.isFollowingLog)
    }

    @Test func scrolledViewStaysPutWhenNewLinesArrive() {
        var s = Fixtures.state()
        let vp = s.layout.logViewportHeight
        _ = s.handle(.pageUp)
        let before = s.displayedModel.log.lines[s.visibleLogRange(viewport: vp)].map(\.sequence)
        s.update(Fixtures.laterModel())  // 20 newer lines, the 20 oldest gone
        let after = s.displayedModel.log.lines[s.visibleLogRange(viewport: vp)].map(\.sequence)
        #expect(before == after)
    }

    @Test func anchorEvictedFromTheRingClampsToTheOldestLine() {
        var s = Fixtures.state()
        _ = s.handle(.home)
        var m = Fixtures.model()
        m.log.lines = Fixtures.logLines(count: 120, firstSequence: 5_000)
        s.update(m)
        let vp = s.layout.logViewportHeight
        #expect(s.visibleLogRange(viewport: vp) == 0..<vp)
    }

    @Test func shortLogDoesNotScroll() {
        var s = Fixtures.state(model: Fixtures.model(logLines: 3))
        #expect(s.handle(.up) == .ignored)
        #expect(s.handle(.home) == .ignored)
        #expect(s.isFollowingLog)
    }

    // MARK: Search

    @Test func searchTypingConfirmAndCancel() {
        var s = Fixtures.state()
        _ = s.handle(.character("/"))
        for ch in "EXDEVq" { _ = s.handle(.character(ch)) }  // q types, it does not quit
        _ = s.handle(.backspace)
        #expect(s.overlay == .search(draft: "EXDEV"))
        #expect(s.highlightQuery == "EXDEV")
        #expect(s.handle(.enter) == .redraw)
        #expect(s.searchQuery == "EXDEV")
        #expect(s.overlay == nil)
        // Lands on the newest match.
        let newestMatch = s.displayedModel.log.lines.last { $0.returnName == "EXDEV" }!.sequence
        #expect(s.currentMatch == newestMatch)
        // Escape in a new prompt keeps the old query; Escape on the main screen clears it.
        _ = s.handle(.character("/"))
        _ = s.handle(.character("x"))
        _ = s.handle(.escape)
        #expect(s.searchQuery == "EXDEV")
        _ = s.handle(.escape)
        #expect(s.searchQuery.isEmpty)
        #expect(s.handle(.character("n")) == .ignored)
    }

    @Test func nextAndPreviousMatchWrapAround() {
        var s = Fixtures.state()
        _ = s.handle(.character("/"))
        for ch in "rtn_unicast" { _ = s.handle(.character(ch)) }
        _ = s.handle(.enter)
        let matches = s.matchingSequences
        #expect(matches.count == 17)  // every 7th of 120 lines
        #expect(s.currentMatch == matches.last)
        _ = s.handle(.character("n"))
        #expect(s.currentMatch == matches[matches.count - 2])
        _ = s.handle(.character("N"))
        _ = s.handle(.character("N"))
        #expect(s.currentMatch == matches.first)  // wrapped past the newest
        _ = s.handle(.character("n"))
        #expect(s.currentMatch == matches.last)  // wrapped past the oldest
    }

    @Test func jumpingToAMatchOutOfViewScrollsToIt() throws {
        var s = Fixtures.state()
        _ = s.handle(.character("/"))
        for ch in "rtn_unicast" { _ = s.handle(.character(ch)) }
        _ = s.handle(.enter)
        _ = s.handle(.character("N"))  // wraps to the oldest match
        let vp = s.layout.logViewportHeight
        let lines = s.displayedModel.log.lines
        let idx = try #require(lines.firstIndex { $0.sequence == s.currentMatch })
        #expect(s.visibleLogRange(viewport: vp).contains(idx))
        #expect(!s.isFollowingLog)
    }

    // MARK: Picker

    @Test func pickerTypeToFilterToggleAndApply() {
        var s = Fixtures.state()
        _ = s.handle(.character("i"))
        guard case .picker(let p0) = s.overlay else { Issue.record("no picker"); return }
        #expect(p0.selection.isEmpty)  // no filter: nothing ticked means all
        for ch in "eth" { _ = s.handle(.character(ch)) }
        guard case .picker(let p1) = s.overlay else { Issue.record("no picker"); return }
        #expect(p1.filterText == "eth")
        #expect(p1.rows(in: s.live.interfaces).map(\.id) == [Fixtures.eth0, Fixtures.eth0InTest])
        _ = s.handle(.character(" "))  // tick eth0 in the root namespace
        let result = s.handle(.enter)
        #expect(result == .command(.setInterfaceFilter(.interfaces([Fixtures.eth0]))))
        #expect(s.interfaceFilter == .all, "the aggregator owns the filter: the screen shows it with the next model")
        #expect(s.overlay == nil)
        s.update(s.live.filtered(.interfaces([Fixtures.eth0])))
        #expect(s.interfaceFilter == .interfaces([Fixtures.eth0]))
        // Reopened, the picker shows the current choice ticked; `a` goes back to all.
        _ = s.handle(.character("i"))
        guard case .picker(let p2) = s.overlay else { Issue.record("no picker"); return }
        #expect(p2.selection == [Fixtures.eth0])
        _ = s.handle(.character("a"))
        #expect(s.handle(.enter) == .command(.setInterfaceFilter(.all)))
    }

    @Test func pickerLetterAWithTextTypesIt() {
        var s = Fixtures.state()
        _ = s.handle(.character("i"))
        _ = s.handle(.character("v"))
        _ = s.handle(.character("a"))
        guard case .picker(let p) = s.overlay else { Issue.record("no picker"); return }
        #expect(p.filterText == "va")
        _ = s.handle(.control("u"))
        _ = s.handle(.character(" "))  // untick va (the busiest, under the cursor)
        _ = s.handle(.control("a"))  // Ctrl-A: all, whatever is typed
        guard case .picker(let p2) = s.overlay else { Issue.record("no picker"); return }
        #expect(p2.selection.count == 5)
    }

    @Test func pickerEscapeAndUnchangedEnterSendNoCommand() {
        var s = Fixtures.state()
        _ = s.handle(.character("i"))
        _ = s.handle(.character(" "))
        #expect(s.handle(.escape) == .redraw)
        #expect(s.interfaceFilter == .all)
        _ = s.handle(.character("i"))
        #expect(s.handle(.enter) == .redraw)
        #expect(s.interfaceFilter == .all)
    }

    @Test func pickerEmptySelectionMeansAll() {
        var s = UIState(model: Fixtures.model().filtered(.interfaces([Fixtures.va])), size: Self.wide)
        _ = s.handle(.character("i"))
        _ = s.handle(.character(" "))  // untick va: nothing ticked
        #expect(s.handle(.enter) == .command(.setInterfaceFilter(.all)))
    }

    @Test func pickerCursorStaysInTheList() {
        var s = Fixtures.state()
        _ = s.handle(.character("i"))
        for _ in 0..<20 { _ = s.handle(.down) }
        guard case .picker(let p) = s.overlay else { Issue.record("no picker"); return }
        #expect(p.cursor == 4)
        _ = s.handle(.pageUp)
        guard case .picker(let p2) = s.overlay else { Issue.record("no picker"); return }
        #expect(p2.cursor == 0)
        #expect(s.handle(.control("c")) == .quit)
    }

    // MARK: Others

    @Test func clearAsksFirstThenEmptiesAFrozenScreen() {
        var s = Fixtures.state()
        _ = s.handle(.character(" "))
        _ = s.handle(.up)
        #expect(s.handle(.character("c")) == .redraw)
        #expect(s.overlay == .confirmClear)
        #expect(!s.displayedModel.log.lines.isEmpty, "cleared before the answer")
        #expect(s.handle(.character("y")) == .command(.clear))
        #expect(s.overlay == nil)
        #expect(s.isFollowingLog)
        #expect(s.displayedModel.log.lines.isEmpty)
        #expect(s.displayedModel.panes.allSatisfy { $0.totalCalls == 0 && $0.histogram.isEmpty && $0.ratePerSecond == 0 })
        // The interfaces stay listed (with no calls since the clear).
        #expect(s.displayedModel.interfaces.map(\.id) == Fixtures.model().interfaces.map(\.id))
        #expect(s.isPaused)
    }

    @Test("any answer but y keeps everything", arguments: [Key.character("n"), .escape, .character("q"), .enter, .character("c")])
    func clearDeclined(key: Key) {
        var s = Fixtures.state()
        _ = s.handle(.character("c"))
        #expect(s.handle(key) == .redraw)
        #expect(s.overlay == nil)
        #expect(s.displayedModel == Fixtures.model())
    }

    @Test func clearQuestionIsOnTheFooter() {
        var s = Fixtures.state(TerminalSize(rows: 24, cols: 80))
        _ = s.handle(.character("c"))
        let footer = Renderer.render(s, glyphs: .unicode).line(23)
        #expect(footer.hasPrefix("Clear counts, histograms and the event log? y clear  n keep"), "\(footer)")
    }

    /// Text entry owns every key: the app must not take `.`, `<`, `>` (replay) while one is up.
    @Test func overlaysOwnEveryKey() {
        var s = Fixtures.state()
        #expect(!s.overlayOwnsKeys)
        _ = s.handle(.character("/"))
        #expect(s.overlayOwnsKeys)
        for ch in "10.77.0.9<>" { _ = s.handle(.character(ch)) }
        #expect(s.overlay == .search(draft: "10.77.0.9<>"))
        _ = s.handle(.escape)
        _ = s.handle(.character("i"))
        #expect(s.overlayOwnsKeys)
        for ch in "eth0.100" { _ = s.handle(.character(ch)) }
        guard case .picker(let p) = s.overlay else { Issue.record("picker closed"); return }
        #expect(p.filterText == "eth0.100")
        _ = s.handle(.escape)
        _ = s.handle(.character("?"))
        #expect(s.overlayOwnsKeys)
        _ = s.handle(.character(">"))  // closes the help, and nothing else
        #expect(!s.overlayOwnsKeys)
        _ = s.handle(.character("c"))
        #expect(s.overlayOwnsKeys, "the clear question is up")
    }

    @Test func refreshIntervalStepsWithinBounds() {
        var s = Fixtures.state()
        #expect(s.handle(.character("+")) == .command(.setRefreshInterval(2)))
        #expect(s.handle(.character("=")) == .command(.setRefreshInterval(5)))
        #expect(s.handle(.character("+")) == .command(.setRefreshInterval(10)))
        #expect(s.handle(.character("+")) == .ignored)
        #expect(s.refreshInterval == 10)
        for _ in 0..<10 { _ = s.handle(.character("-")) }
        #expect(s.refreshInterval == 0.1)
        #expect(s.handle(.character("-")) == .ignored)
        // An interval from the command line that is not a step goes to the neighbours.
        var t = UIState(model: Fixtures.model(), size: Self.wide, refreshInterval: 0.3)
        #expect(t.handle(.character("+")) == .command(.setRefreshInterval(0.5)))
        t = UIState(model: Fixtures.model(), size: Self.wide, refreshInterval: 0.3)
        #expect(t.handle(.character("-")) == .command(.setRefreshInterval(0.2)))
    }

    @Test("the help closes on any key, q included (it says \"Press any key to close\")",
          arguments: [Key.character("x"), .character("q"), .escape, .enter, .character(">"), .function(1)])
    func helpClosesOnAnyKey(key: Key) {
        var s = Fixtures.state()
        _ = s.handle(.character("?"))
        #expect(s.overlay == .help)
        #expect(s.handle(key) == .redraw)
        #expect(s.overlay == nil)
    }

    @Test func quitKeysStillQuitFromTheHelp() {
        var s = Fixtures.state()
        _ = s.handle(.character("?"))
        #expect(s.handle(.function(10)) == .quit)
        _ = s.handle(.character("?"))
        #expect(s.handle(.control("c")) == .quit)
    }

    @Test func resizeChangesTheLayout() {
        var s = Fixtures.state()
        #expect(s.layout.kind == .wide)
        #expect(s.handle(.resize(TerminalSize(rows: 40, cols: 100))) == .redraw)
        #expect(s.layout.kind == .narrow)
        _ = s.handle(.resize(TerminalSize(rows: 23, cols: 100)))
        #expect(s.layout.kind == .tooSmall)
        // Keys that need a log viewport do nothing, and nothing crashes.
        #expect(s.handle(.up) == .ignored)
        #expect(s.handle(.home) == .ignored)
        #expect(s.handle(.character("q")) == .quit)
    }
}
