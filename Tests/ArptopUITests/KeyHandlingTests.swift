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
        .character("+"), .character("-"), .character("?"), .function(1), .character("v"), .character("l"), .character("e"),
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

    // MARK: Filter

    /// The lines of `model` whose text contains `text` (plain substring: the fixture has no
    /// number that runs on past the filter's digits), as an independent oracle.
    static func linesContaining(_ text: String, in model: ScreenModel = Fixtures.model()) -> [UInt64] {
        model.log.lines.filter { "\($0.time) \($0.interface) \($0.function.name) \($0.details) \($0.returnName)".contains(text) }.map(\.sequence)
    }

    @Test func slashFiltersTheLogAsItIsTypedEnterKeepsEscClears() {
        var s = Fixtures.state()
        let all = s.displayedModel.log.lines.count
        let expected = Self.linesContaining("10.99.0.7")
        #expect(expected.count > 0 && expected.count < all)
        #expect(s.handle(.character("/")) == .redraw)
        for ch in "10.99.0.7q" { _ = s.handle(.character(ch)) }  // q types, it does not quit
        #expect(s.displayedModel.log.lines.isEmpty, "10.99.0.7q is in no line")
        _ = s.handle(.backspace)
        #expect(s.overlay == .filter(draft: "10.99.0.7"))
        // Filtered while typing, before Enter.
        #expect(s.displayedModel.log.lines.map(\.sequence) == expected)
        #expect(s.handle(.enter) == .redraw)
        #expect(s.overlay == nil && s.filter.text == "10.99.0.7")
        #expect(s.displayedModel.log.lines.map(\.sequence) == expected)
        #expect(s.filterCounts == (expected.count, all))
        #expect(s.isFollowingLog)
        // `/` again edits the filter; Esc there goes back to the kept one.
        _ = s.handle(.character("/"))
        #expect(s.overlay == .filter(draft: "10.99.0.7"))
        _ = s.handle(.control("u"))
        for ch in "EAGAIN" { _ = s.handle(.character(ch)) }
        #expect(s.displayedModel.log.lines.allSatisfy { $0.returnName == "EAGAIN" })
        _ = s.handle(.escape)
        #expect(s.filter.text == "10.99.0.7")
        #expect(s.displayedModel.log.lines.map(\.sequence) == expected)
        // Esc on the main screen clears it: every line again.
        #expect(s.handle(.escape) == .redraw)
        #expect(s.filter == LogFilter())
        #expect(s.displayedModel == Fixtures.model())
        #expect(s.handle(.escape) == .ignored)
        // n and N no longer mean anything: the filter is the only model.
        #expect(s.handle(.character("n")) == .ignored)
        #expect(s.handle(.character("N")) == .ignored)
    }

    @Test func enterOnAnEmptyPromptRemovesTheFilter() {
        var s = Fixtures.state()
        _ = s.handle(.character("/"))
        for ch in "vb@t1" { _ = s.handle(.character(ch)) }
        _ = s.handle(.enter)
        #expect(s.displayedModel.log.lines.allSatisfy { $0.interface == "vb@t1" } && !s.displayedModel.log.lines.isEmpty)
        _ = s.handle(.character("/"))
        _ = s.handle(.control("u"))
        _ = s.handle(.enter)
        #expect(!s.filter.isActive)
        #expect(s.displayedModel.log.lines.count == 120)
    }

    @Test("e keeps only errors; with a text filter both apply; e again and Esc give every line back")
    func errorsOnlyToggle() {
        var s = Fixtures.state()
        let errors = Fixtures.model().log.lines.filter(\.isError).map(\.sequence)
        #expect(!errors.isEmpty && errors.count < 120)
        #expect(s.handle(.character("e")) == .redraw)
        #expect(s.filter.errorsOnly)
        #expect(s.displayedModel.log.lines.map(\.sequence) == errors)
        _ = s.handle(.character("/"))
        for ch in "10.99.0.7" { _ = s.handle(.character(ch)) }
        _ = s.handle(.enter)
        let both = Set(errors).intersection(Self.linesContaining("10.99.0.7"))
        #expect(Set(s.displayedModel.log.lines.map(\.sequence)) == both)
        #expect(s.displayedModel.log.lines.count == both.count)
        // Esc clears the text first, then errors only.
        _ = s.handle(.escape)
        #expect(s.filter == LogFilter(text: "", errorsOnly: true))
        #expect(s.displayedModel.log.lines.map(\.sequence) == errors)
        _ = s.handle(.escape)
        #expect(!s.filter.isActive && s.displayedModel.log.lines.count == 120)
        _ = s.handle(.character("e"))
        _ = s.handle(.character("e"))
        #expect(!s.filter.isActive)
    }

    @Test("the filter holds while the log keeps scrolling, and while paused")
    func filterFollowsNewLinesAndPause() {
        var s = Fixtures.state()
        _ = s.handle(.character("/"))
        for ch in "EXDEV" { _ = s.handle(.character(ch)) }
        _ = s.handle(.enter)
        let later = Fixtures.laterModel()
        s.update(later)
        // New lines that match are shown, the others not; the newest match is at the bottom.
        #expect(s.displayedModel.log.lines.map(\.sequence) == Self.linesContaining("EXDEV", in: later))
        #expect(s.displayedModel.log.lines.last?.sequence == later.log.lines.last { $0.returnName == "EXDEV" }?.sequence)
        // Paused: the frozen lines, filtered; a new filter applies to them, not to newer ones.
        _ = s.handle(.character(" "))
        s.update(Fixtures.model())
        #expect(s.displayedModel.log.lines.map(\.sequence) == Self.linesContaining("EXDEV", in: later))
        _ = s.handle(.character("/"))
        _ = s.handle(.control("u"))
        for ch in "RTN_UNICAST" { _ = s.handle(.character(ch)) }
        _ = s.handle(.enter)
        #expect(s.displayedModel.log.lines.map(\.sequence) == Self.linesContaining("RTN_UNICAST", in: later))
        #expect(s.unfilteredModel == later)
        // Resumed: the live model, through the same filter.
        _ = s.handle(.character(" "))
        #expect(s.displayedModel.log.lines.map(\.sequence) == Self.linesContaining("RTN_UNICAST"))
    }

    @Test func scrollingMovesThroughTheFilteredLines() {
        var s = Fixtures.state(TerminalSize(rows: 24, cols: 80))
        _ = s.handle(.character("/"))
        for ch in "arp_process" { _ = s.handle(.character(ch)) }
        _ = s.handle(.enter)
        let shown = s.logLines
        let vp = s.layout.logViewportHeight
        #expect(shown.count > vp)
        #expect(s.handle(.home) == .redraw)
        #expect(s.visibleLogRange(viewport: vp) == 0..<vp)
        #expect(shown[0].sequence == Self.linesContaining("arp_process").first)
        #expect(s.handle(.end) == .redraw)
        #expect(s.visibleLogRange(viewport: vp) == (shown.count - vp)..<shown.count)
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
        for ch in "10.77.0.9<>e" { _ = s.handle(.character(ch)) }
        #expect(s.overlay == .filter(draft: "10.77.0.9<>e"))
        #expect(!s.filter.errorsOnly, "e typed in the prompt is text")
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
