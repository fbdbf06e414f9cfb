import ArptopCore
import Testing
@testable import ArptopUI

@Suite("Screen snapshots")
struct GoldenTests {
    static let wide = TerminalSize(rows: 48, cols: 160)
    static let narrow = TerminalSize(rows: 40, cols: 80)

    @Test func wide160x48() throws {
        let state = Fixtures.state(Self.wide)
        try Snapshot.assert(Renderer.render(state, glyphs: .unicode), named: "wide-160x48")
    }

    @Test func narrow80x40() throws {
        let state = Fixtures.state(Self.narrow)
        try Snapshot.assert(Renderer.render(state, glyphs: .unicode), named: "narrow-80x40")
    }

    @Test func minimum80x24() throws {
        let state = Fixtures.state(TerminalSize(rows: 24, cols: 80))
        try Snapshot.assert(Renderer.render(state, glyphs: .unicode), named: "minimum-80x24")
    }

    @Test func tooSmall() throws {
        let state = Fixtures.state(TerminalSize(rows: 20, cols: 72))
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "too-small-72x20")
        #expect(grid.text.contains("72×20"))
    }

    @Test func paused() throws {
        var state = Fixtures.state(Self.wide)
        #expect(state.handle(.character(" ")) == .redraw)
        state.update(Fixtures.laterModel())
        #expect(state.eventsSincePause == 1_234)
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "paused-160x48")
        #expect(grid.line(0).contains("PAUSED · 1,234 events since pause"))
        // The frozen screen still shows the old log: its newest line is 2,120, not 2,140.
        #expect(grid.text.contains(Fixtures.logLines(count: 120).last!.time))
        #expect(!grid.text.contains(Fixtures.laterModel().log.lines.last!.time))
    }

    @Test func filtered() throws {
        var model = Fixtures.model()
        // What the adapter produces with only `va` selected.
        model.panes = model.panes.map { pane in
            var p = pane
            p.interfaces = p.interfaces.filter { $0.id == Fixtures.va }
            return p
        }
        model.log.lines = LogLines(model.log.lines.filter { $0.interface == "va" })
        var state = Fixtures.state(Self.wide, model: model)
        _ = state.handle(.character("i"))
        _ = state.handle(.home)
        _ = state.handle(.character(" "))  // tick the busiest (va): only va
        #expect(state.handle(.enter) == .command(.setInterfaceFilter(.interfaces([Fixtures.va]))))
        state.update(state.live.filtered(.interfaces([Fixtures.va])))  // the aggregator took it
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "filtered-160x48")
        #expect(grid.line(1).contains("interfaces va"))
    }

    @Test func helpOverlay() throws {
        var state = Fixtures.state(Self.wide)
        _ = state.handle(.character("?"))
        try Snapshot.assert(Renderer.render(state, glyphs: .unicode), named: "help-160x48")
    }

    @Test func helpOverlayAtMinimumSize() throws {
        var state = Fixtures.state(TerminalSize(rows: 24, cols: 80))
        _ = state.handle(.function(1))
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "help-80x24")
        for entry in KeyHelp.entries { #expect(grid.text.contains(entry.keys), "help lists \(entry.keys)") }
    }

    @Test func pickerOverlay() throws {
        var state = Fixtures.state(Self.wide)
        _ = state.handle(.character("i"))
        _ = state.handle(.down)
        _ = state.handle(.character(" "))
        try Snapshot.assert(Renderer.render(state, glyphs: .unicode), named: "picker-160x48")
    }

    @Test func pickerTypeToFilter() throws {
        var state = Fixtures.state(Self.narrow)
        _ = state.handle(.character("i"))
        for ch in "eth" { _ = state.handle(.character(ch)) }
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "picker-filtered-80x40")
        // eth0 in the root namespace alone, eth0 in t1 with its namespace: as the log spells them.
        #expect(grid.text.contains("[ ] eth0 "))
        #expect(grid.text.contains("[ ] eth0@t1 "))
        #expect(!grid.text.contains("[x] lo"))
    }

    @Test func zoomedPane() throws {
        var state = Fixtures.state(Self.wide)
        _ = state.handle(.character("3"))
        _ = state.handle(.enter)
        try Snapshot.assert(Renderer.render(state, glyphs: .unicode), named: "zoom-fib_lookup-160x48")
    }

    @Test func zoomedPaneNarrow() throws {
        var state = Fixtures.state(Self.narrow)
        _ = state.handle(.character("4"))
        _ = state.handle(.enter)
        try Snapshot.assert(Renderer.render(state, glyphs: .unicode), named: "zoom-fib_validate_source-80x40")
    }

    @Test func zoomedUnavailablePane() throws {
        var state = Fixtures.state(Self.narrow)
        _ = state.handle(.character("2"))
        _ = state.handle(.enter)
        let grid = Renderer.render(state, glyphs: .unicode)
        #expect(grid.text.contains("not attached: fentry: EPERM; kprobe: kernel has no kprobe support"))
    }

    @Test func asciiFallback() throws {
        let state = Fixtures.state(Self.wide)
        let grid = Renderer.render(state, glyphs: .ascii)
        try Snapshot.assert(grid, named: "ascii-160x48")
        let allASCII = grid.text.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII)
    }

    @Test func asciiNarrowZoom() throws {
        var state = Fixtures.state(Self.narrow)
        _ = state.handle(.character("3"))
        _ = state.handle(.enter)
        let grid = Renderer.render(state, glyphs: .ascii)
        try Snapshot.assert(grid, named: "ascii-zoom-80x40")
        let allASCII = grid.text.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII)
    }

    @Test("/ with an address: only its lines, the log's rule says the filter and N of M; scrolled back, it holds")
    func filterScrolledBack() throws {
        var state = Fixtures.state(Self.wide)
        state.applyFilter("10.99.0.7")
        for _ in 0..<3 { _ = state.handle(.up) }
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "filter-160x48")
        #expect(!state.isFollowingLog)
        let rule = try #require((0..<48).first { grid.line($0).hasPrefix("─ Event log ") })
        #expect(grid.line(rule).contains(" filter: 10.99.0.7 "), "\(grid.line(rule))")
        let n = KeyHandlingTests.linesContaining("10.99.0.7").count
        #expect(grid.line(rule).contains(" \(n) of 120 lines "), "\(grid.line(rule))")
        for row in (rule + 2)..<47 { #expect(grid.line(row).contains("10.99.0.7"), "\(grid.line(row))") }
    }

    @Test("e at 80x24: only errors, said on the log's rule; the footer says how to get every line back")
    func errorsOnly80x24() throws {
        var state = Fixtures.state(TerminalSize(rows: 24, cols: 80))
        _ = state.handle(.character("e"))
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "errors-only-80x24")
        let rule = try #require((0..<24).first { grid.line($0).hasPrefix("─ Event log ") })
        #expect(grid.line(rule).contains(" errors/unanswered only "), "\(grid.line(rule))")
        for row in (rule + 2)..<23 { #expect(grid.line(row).contains(" ! "), "\(grid.line(row))") }
        #expect(grid.line(23).hasPrefix("? help  e all lines  "), "\(grid.line(23))")
        #expect(grid.line(23).contains("q quit"), "\(grid.line(23))")
    }

    @Test("a filter nothing matches: the log says so and how to clear it")
    func filterNoMatch80x24() throws {
        var state = Fixtures.state(TerminalSize(rows: 24, cols: 80))
        state.applyFilter("10.77.0.9")
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "filter-no-match-80x24")
        #expect(grid.text.contains("no line matches \"10.77.0.9\""), "\(grid.text)")
    }

    @Test func emptyModel() throws {
        let state = UIState(model: .empty(host: "vm-arp-01", kernelRelease: "6.18.0"), size: Self.narrow)
        try Snapshot.assert(Renderer.render(state, glyphs: .unicode), named: "empty-80x40")
    }
}
