import ArptopCore
import Testing
@testable import ArptopUI

@Suite("Verdict keys: the verdicts view, packet mode, the chain")
struct VerdictKeyTests {
    static let wide = TerminalSize(rows: 48, cols: 160)

    @Test("v toggles the verdicts view in place of the panes; Esc and 1-4 go back")
    func verdictsViewToggles() {
        var s = VerdictFixtures.state()
        #expect(s.handle(.character("v")) == .redraw)
        #expect(s.showsVerdicts)
        #expect(s.layout.verdicts != nil && s.layout.panes.isEmpty)
        #expect(s.layout.logViewportHeight > 0, "the log stays under the verdicts")
        #expect(s.handle(.character("v")) == .redraw)
        #expect(!s.showsVerdicts && s.layout.verdicts == nil && s.layout.panes.count == 4)
        _ = s.handle(.character("v"))
        #expect(s.handle(.escape) == .redraw)
        #expect(!s.showsVerdicts)
        _ = s.handle(.character("v"))
        _ = s.handle(.character("3"))
        #expect(!s.showsVerdicts && s.focus == .fibLookup)
        // From a zoomed pane, v shows the verdicts (not both).
        _ = s.handle(.enter)
        #expect(s.isZoomed)
        _ = s.handle(.character("v"))
        #expect(s.showsVerdicts && !s.isZoomed)
    }

    @Test("in the verdicts view Tab moves the arrows between the table and the log")
    func tabSwitchesFocus() {
        var s = VerdictFixtures.state()
        _ = s.handle(.character("v"))
        #expect(s.verdictsFocus == .table)
        _ = s.handle(.down)
        #expect(s.selectedUnansweredRow?.count == 12)
        #expect(s.isFollowingLog, "the arrows did not scroll the log")
        #expect(s.handle(.tab) == .redraw)
        #expect(s.verdictsFocus == .log)
        #expect(s.focus == .arpProcess, "Tab does not move the hidden panes' focus")
        _ = s.handle(.up)
        #expect(!s.isFollowingLog, "the log scrolls")
        #expect(s.selectedUnansweredRow?.count == 12, "the table keeps its selection")
        _ = s.handle(.backTab)
        #expect(s.verdictsFocus == .table)
    }

    @Test("table selection: first press selects the busiest, stays in the table, follows its key")
    func tableSelection() throws {
        var s = VerdictFixtures.state()
        _ = s.handle(.character("v"))
        let rows = s.displayedModel.verdicts.top
        #expect(rows.count == 4)
        #expect(s.handle(.up) == .redraw)
        #expect(s.selectedUnanswered == rows[0].key)
        #expect(s.handle(.up) == .ignored)
        _ = s.handle(.down)
        _ = s.handle(.down)
        #expect(s.selectedUnanswered == rows[2].key)
        _ = s.handle(.end)
        #expect(s.selectedUnanswered == rows[3].key)
        #expect(s.handle(.pageDown) == .ignored)
        _ = s.handle(.home)
        #expect(s.selectedUnanswered == rows[0].key)
        // When counts change the order, the selection stays on its row.
        _ = s.handle(.down)
        var m = s.live
        m.verdicts.top.swapAt(0, 1)
        s.update(m)
        #expect(s.selectedUnansweredRow == rows[1])
        // Esc first unselects, then closes the view.
        _ = s.handle(.escape)
        #expect(s.selectedUnanswered == nil && s.showsVerdicts)
        _ = s.handle(.escape)
        #expect(!s.showsVerdicts)
    }

    @Test("an empty table ignores the arrows")
    func emptyTable() {
        var m = VerdictFixtures.model()
        m.verdicts.top = []
        var s = UIState(model: m, size: Self.wide)
        _ = s.handle(.character("v"))
        #expect(s.handle(.down) == .ignored)
        #expect(s.handle(.enter) == .ignored)
    }

    @Test("l switches the log between calls and packets; the log filter, the interface filter and pause apply to both")
    func logModes() throws {
        var s = VerdictFixtures.state()
        #expect(s.logLines.contains { $0.function == .fibLookup })
        #expect(s.handle(.character("l")) == .redraw)
        #expect(s.logMode == .packets)
        #expect(s.logLines.allSatisfy { $0.function == .arpProcess && $0.packet != nil })
        #expect(s.logLines.count == 40)
        // The filter looks in what packet mode shows: the verdict and the why.
        _ = s.handle(.character("/"))
        for ch in "not_local" { _ = s.handle(.character(ch)) }
        _ = s.handle(.enter)
        #expect(s.logLines.count == 6)
        #expect(s.logLines.allSatisfy { $0.packet?.verdict == "not_local" })
        #expect(s.filterCounts == (6, 40))
        // Back to calls: the same filter, over the calls (arp_process details do not say not_local).
        _ = s.handle(.character("l"))
        #expect(s.logMode == .calls && s.packetCursor == nil && !s.isChainShown)
        #expect(s.logLines.isEmpty)
        _ = s.handle(.escape)
        #expect(!s.filter.isActive)
        // Pause freezes packets too.
        _ = s.handle(.character("l"))
        _ = s.handle(.character(" "))
        var later = VerdictFixtures.model()
        later.log.packets.removeFirst(5)
        s.update(later)
        #expect(s.logLines.count == 40)
        _ = s.handle(.character(" "))
        #expect(s.logLines.count == 35)
    }

    @Test("an IP address filters the packets and the top unanswered table; a number matches whole")
    func ipFilterInPacketsAndTable() throws {
        var s = VerdictFixtures.state()
        _ = s.handle(.character("v"))
        _ = s.handle(.character("l"))
        let all = VerdictFixtures.model()
        _ = s.handle(.character("/"))
        for ch in "10.77.0.51" { _ = s.handle(.character(ch)) }
        _ = s.handle(.enter)
        let from51 = all.log.packets.filter { $0.packet?.sender == "10.77.0.51" }.map(\.sequence)
        #expect(from51.count == 5)
        #expect(s.logLines.map(\.sequence) == from51)
        let rows = s.displayedModel.verdicts.top
        #expect(rows.count == 1 && rows.first?.sender == "10.77.0.51", "\(rows)")
        #expect(all.verdicts.top.count > 1)
        // The why at the bottom is the latest packet the filter keeps.
        #expect(s.displayedModel.verdicts.latest?.sender == "10.77.0.51")
        // 10.77.0.5 is neither 10.77.0.50 nor 10.77.0.51.
        _ = s.handle(.character("/"))
        _ = s.handle(.backspace)
        #expect(s.logLines.isEmpty && s.displayedModel.verdicts.top.isEmpty)
        _ = s.handle(.character("0"))
        #expect(s.logLines.map(\.sequence) == all.log.packets.filter { $0.packet?.sender == "10.77.0.50" }.map(\.sequence))
        #expect(s.displayedModel.verdicts.top.map(\.sender) == ["10.77.0.50"])
        // The table's arrows move among the rows shown.
        _ = s.handle(.enter)
        _ = s.handle(.down)
        #expect(s.selectedUnansweredRow?.sender == "10.77.0.50")
        #expect(s.handle(.down) == .ignored, "one row shown")
    }

    @Test("e in packet mode keeps the unanswered packets; a selected packet the filter hides is unselected")
    func errorsOnlyPackets() {
        var s = VerdictFixtures.state()
        _ = s.handle(.character("l"))
        _ = s.handle(.up)
        let selected = s.packetCursor
        #expect(selected != nil)
        let answered = s.logLines.first { $0.sequence == selected }?.packet?.isUnanswered == false
        #expect(answered, "the newest packet (kind 4) was answered")
        _ = s.handle(.character("e"))
        let unanswered = VerdictFixtures.model().log.packets.filter { $0.packet?.isUnanswered == true }.map(\.sequence)
        #expect(!unanswered.isEmpty && unanswered.count < 40)
        #expect(s.logLines.map(\.sequence) == unanswered)
        #expect(s.packetCursor == nil && s.isFollowingLog)
        // A selection the filter keeps stays selected when the filter changes.
        _ = s.handle(.up)
        let kept = s.packetCursor
        _ = s.handle(.character("/"))
        for ch in "rp_filter" { _ = s.handle(.character(ch)) }
        _ = s.handle(.enter)
        #expect(s.packetCursor == kept && kept != nil)
        #expect(s.logLines.allSatisfy { $0.packet?.verdict == "rp_filter" })
    }

    @Test("packet mode: the arrows select a line (first the newest in view), End follows again")
    func packetCursor() throws {
        var s = VerdictFixtures.state()
        _ = s.handle(.character("l"))
        let lines = s.logLines
        #expect(s.handle(.down) == .ignored, "nothing selected, already following")
        #expect(s.handle(.enter) == .redraw, "Enter without a selection zooms the pane")
        #expect(s.isZoomed)
        _ = s.handle(.escape)
        #expect(s.handle(.up) == .redraw)
        #expect(s.packetCursor == lines.last!.sequence)
        #expect(!s.isFollowingLog)
        _ = s.handle(.up)
        #expect(s.packetCursor == lines[lines.count - 2].sequence)
        _ = s.handle(.home)
        #expect(s.packetCursor == lines[0].sequence)
        let vp = s.layout.logViewportHeight
        #expect(s.visibleLogRange(viewport: vp).contains(0))
        _ = s.handle(.pageDown)
        let page = try #require(s.packetCursor)
        #expect(page > lines[0].sequence)
        // The cursor is always in view.
        let window = s.logWindow(viewport: vp, width: 160)
        #expect(window.cursor.map { window.range.contains($0) } == true)
        // Down past the newest line drops the selection and follows.
        _ = s.handle(.end)
        #expect(s.packetCursor == nil && s.isFollowingLog)
        _ = s.handle(.up)
        #expect(s.handle(.down) == .redraw)
        #expect(s.packetCursor == nil && s.isFollowingLog)
    }

    @Test("Enter expands the selected packet to its chain, which takes rows from the lines; Esc closes it, then unselects")
    func chainExpands() throws {
        var s = VerdictFixtures.state()
        _ = s.handle(.character("l"))
        let vp = s.layout.logViewportHeight
        let before = s.logWindow(viewport: vp, width: 160)
        _ = s.handle(.up)
        _ = s.handle(.up)  // rp_filter on vc
        #expect(s.handle(.enter) == .redraw)
        let window = s.logWindow(viewport: vp, width: 160)
        let cursor = try #require(window.cursor)
        let packet = try #require(s.logLines[cursor].packet)
        #expect(window.expanded == packet.expandedRows(width: UIState.expandedWidth(logWidth: 160)))
        #expect(window.expanded.last == "why: not answered: rp_filter=1 (strict) on vc: the route back to 10.77.0.50 leaves via va, not vc")
        #expect(window.range.count + window.expanded.count == vp)
        #expect(window.range.count < before.range.count)
        #expect(window.range.contains(cursor))
        // Moving the selection moves the chain with it.
        _ = s.handle(.up)
        let moved = s.logWindow(viewport: vp, width: 160)
        #expect(moved.cursor == cursor - 1 && !moved.expanded.isEmpty)
        #expect(s.handle(.escape) == .redraw)
        #expect(!s.isChainShown && s.packetCursor != nil)
        #expect(s.handle(.escape) == .redraw)
        #expect(s.packetCursor == nil && s.isFollowingLog)
    }

    @Test("a chain taller than the log keeps the verdict and the why, and says what it left out")
    func chainInASmallLog() throws {
        var s = VerdictFixtures.state(TerminalSize(rows: 24, cols: 80))
        _ = s.handle(.character("l"))
        _ = s.handle(.up)
        _ = s.handle(.up)
        _ = s.handle(.enter)
        let vp = s.layout.logViewportHeight
        let window = s.logWindow(viewport: vp, width: 80)
        #expect(window.range.count >= 1, "the selected line stays")
        #expect(window.range.count + window.expanded.count <= vp)
        let cursor = try #require(window.cursor)
        let packet = try #require(s.logLines[cursor].packet)
        let full = packet.expandedRows(width: UIState.expandedWidth(logWidth: 80))
        if window.expanded.count < full.count {
            #expect(window.expanded.contains { $0.hasPrefix("verdict: ") } || window.expanded.first?.hasPrefix("why: ") == true,
                    "\(window.expanded)")
        }
        let grid = Renderer.render(s, glyphs: .unicode)
        #expect(grid.size == TerminalSize(rows: 24, cols: 80))
    }

    @Test("Enter on a table row opens its latest packet in the log; a packet the log no longer holds is ignored")
    func tableRowToPacket() throws {
        var s = VerdictFixtures.state()
        _ = s.handle(.character("v"))
        _ = s.handle(.down)
        let row = try #require(s.selectedUnansweredRow)
        #expect(s.handle(.enter) == .redraw)
        #expect(s.logMode == .packets && s.verdictsFocus == .log && s.isChainShown)
        #expect(s.packetCursor == row.latestSequence)
        let vp = s.layout.logViewportHeight
        let window = s.logWindow(viewport: vp, width: 160)
        #expect(window.cursor.map { s.logLines[$0].sequence } == row.latestSequence)
        // Gone from the log (evicted): nothing to open.
        var t = VerdictFixtures.state()
        var m = t.live
        m.log.packets = []
        t.update(m)
        _ = t.handle(.character("v"))
        _ = t.handle(.down)
        #expect(t.handle(.enter) == .ignored)
    }

    @Test("clear and a new interface filter drop the selections")
    func clearDropsSelections() {
        var s = VerdictFixtures.state()
        _ = s.handle(.character("v"))
        _ = s.handle(.down)
        _ = s.handle(.character("l"))
        _ = s.handle(.tab)
        _ = s.handle(.up)
        _ = s.handle(.enter)
        #expect(s.packetCursor != nil && s.isChainShown && s.selectedUnanswered != nil)
        _ = s.handle(.character("c"))
        #expect(s.handle(.character("y")) == .command(.clear))
        #expect(s.packetCursor == nil && !s.isChainShown && s.selectedUnanswered == nil)
        #expect(s.showsVerdicts && s.logMode == .packets, "the view and the mode stay")
        _ = s.handle(.up)
        _ = s.handle(.character("i"))
        _ = s.handle(.character(" "))
        #expect(s.handle(.enter) == .command(.setInterfaceFilter(.interfaces([Fixtures.va]))))
        #expect(s.packetCursor == nil)
    }

    @Test("the interface filter restricts the verdicts, the table and the packets (adapter)")
    func filteredModel() {
        let m = VerdictFixtures.model(filter: .interfaces([VerdictFixtures.vc]))
        #expect(m.verdicts.interfaces.map(\.label) == ["vc"])
        #expect(m.verdicts.top.allSatisfy { $0.interface == "vc" })
        #expect(m.log.packets.allSatisfy { $0.interface == "vc" })
        #expect(m.verdicts.unansweredCounted == 12)
        #expect(m.verdicts.latest?.interface == "vc")
    }

    @Test("the footer names the keys of each mode and keeps ? help and q quit at 80x24")
    func footers() {
        let size = TerminalSize(rows: 24, cols: 80)
        var s = VerdictFixtures.state(size)
        func footer() -> String { Renderer.render(s, glyphs: .unicode).line(23) }
        #expect(footer().contains("v verdicts"))
        _ = s.handle(.character("l"))
        #expect(footer().contains("↑↓ select"), "\(footer())")
        _ = s.handle(.up)
        #expect(footer().contains("Enter chain"), "\(footer())")
        _ = s.handle(.character("v"))
        #expect(footer().contains("v panes"), "\(footer())")
        for keys in [[Key.character("v")], [.character("v"), .tab], [.character("v"), .down], [.character("l")], [.character("l"), .up, .enter]] {
            var t = VerdictFixtures.state(size)
            for k in keys { _ = t.handle(k) }
            let line = Renderer.render(t, glyphs: .unicode).line(23)
            #expect(line.hasPrefix("? help "), "\(keys): \(line)")
            #expect(line.contains("q quit") && !line.contains("…"), "\(keys): \(line)")
        }
    }
}
