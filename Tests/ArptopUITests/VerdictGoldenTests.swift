import ArptopCore
import Testing
@testable import ArptopUI

@Suite("Verdict screens")
struct VerdictGoldenTests {
    static let wide = TerminalSize(rows: 48, cols: 160)
    static let minimum = TerminalSize(rows: 24, cols: 80)

    @Test func verdicts160x48() throws {
        var state = VerdictFixtures.state(Self.wide)
        #expect(state.handle(.character("v")) == .redraw)
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "verdicts-160x48")
        let text = grid.text
        #expect(text.contains(" verdicts "))
        #expect(text.contains("! rp_filter (IP_RPFILTER)"), "\(text)")
        #expect(text.contains("eth0@t1"), "an interface outside the root namespace shows its namespace, as in the log and the picker")
        // The latest unanswered packet's why, with no row selected.
        #expect(text.contains("latest unanswered"), "\(text)")
    }

    @Test func verdicts80x24() throws {
        var state = VerdictFixtures.state(Self.minimum)
        _ = state.handle(.character("v"))
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "verdicts-80x24")
        // Every unanswered verdict is on screen, marked, and the footer keeps help and quit.
        for label in ["rp_filter (IP_RPFILTER)", "not_local", "ignored_arp_i"] {
            let row = try #require((0..<24).first { grid.line($0).contains(label) }, "\(label) hidden\n\(grid.text)")
            let col = grid.line(row).distance(from: grid.line(row).startIndex, to: grid.line(row).range(of: label)!.lowerBound)
            #expect(grid[row, col].style.role == .error, "\(label) not in the error colour")
            #expect(grid.line(row).hasPrefix(" ! "), "\(label)'s interface not marked: \(grid.line(row))")
        }
        #expect(grid.line(23).hasPrefix("? help "), "\(grid.line(23))")
        #expect(grid.line(23).contains("q quit"), "\(grid.line(23))")
    }

    @Test("a selected top unanswered row shows its why at the bottom of the view")
    func selectedRowWhy() throws {
        var state = VerdictFixtures.state(Self.minimum)
        _ = state.handle(.character("v"))
        _ = state.handle(.down)  // the busiest
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "verdicts-selected-80x24")
        let row = try #require(state.selectedUnansweredRow)
        #expect(row.target == "10.77.0.1" && row.sender == "10.77.0.50" && row.interface == "vc")
        let why = try #require((0..<24).first { grid.line($0).hasPrefix(" why: ") })
        let text = (grid.line(why) + grid.line(why + 1)).split(separator: " ").joined(separator: " ")
        #expect(text == "why: not answered: rp_filter=1 (strict) on vc: the route back to 10.77.0.50 leaves via va, not vc", "\(grid.text)")
    }

    @Test("an address in the verdicts view: the packets and the top unanswered rows it matches")
    func verdictsFiltered160x48() throws {
        var state = VerdictFixtures.state(Self.wide)
        _ = state.handle(.character("v"))
        _ = state.handle(.character("l"))
        state.applyFilter("10.77.0.51")
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "verdicts-filter-160x48")
        #expect(grid.text.contains("Top unanswered (1 of "), "\(grid.text)")
        #expect(grid.text.contains(" 5 of 40 packets "), "\(grid.text)")
        #expect(!grid.text.contains("10.77.0.50 -> "), "\(grid.text)")
    }

    @Test func packetLog160x48() throws {
        var state = VerdictFixtures.state(Self.wide)
        #expect(state.handle(.character("l")) == .redraw)
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "packets-160x48")
        #expect(grid.text.contains(" packets "))
        #expect(!grid.text.contains("fib_lookup          table"), "packet mode lists only packets")
        #expect(grid.text.contains("request 10.77.0.50 -> 10.77.0.1") || grid.text.contains("10.77.0.50 -> 10.77.0.1"))
        // The why beside the marked verdict (which already says "not answered").
        #expect(grid.text.contains("! rp_filter          rp_filter=1 (strict) on vc: the route back to 10.77.0.50 leaves via va"), "\(grid.text)")
    }

    @Test func expandedChain160x48() throws {
        var state = VerdictFixtures.state(Self.wide)
        _ = state.handle(.character("l"))
        _ = state.handle(.up)  // the newest packet: an rp_filter one on vc
        _ = state.handle(.up)
        #expect(state.handle(.enter) == .redraw)
        #expect(state.isChainShown)
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "packets-chain-160x48")
        for row in ["ip_route_input_slow returned IP_RPFILTER", "fib_validate_source returned IP_RPFILTER",
                    "fib_lookup, route back to 10.77.0.50: leaves via va", "settings on vc: rp_filter=1 (others 0)",
                    "verdict: rp_filter (IP_RPFILTER)"] {
            #expect(grid.text.contains(row), "no \(row)\n\(grid.text)")
        }
    }

    @Test("Enter on a top unanswered row opens its latest packet, chain shown, at 80x24")
    func chainFromTheTable80x24() throws {
        var state = VerdictFixtures.state(Self.minimum)
        _ = state.handle(.character("v"))
        _ = state.handle(.down)
        _ = state.handle(.down)  // 10.77.0.99 on va: not_local
        #expect(state.handle(.enter) == .redraw)
        #expect(state.logMode == .packets && state.verdictsFocus == .log && state.isChainShown)
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "verdicts-chain-80x24")
        #expect(grid.text.contains("verdict: not_local"), "\(grid.text)")
    }

    @Test("without arp_process the verdicts view says why in one line, and the packet log too")
    func noVerdicts() throws {
        // A locked-down kernel: arp_process cannot be probed, fib_lookup's tracepoint works.
        let (full, _) = VerdictFixtures.log()
        var log = EventLog()
        log.append(contentsOf: full.events.filter { $0.function != .arpProcess })
        var source = VerdictFixtures.source
        source.probes[0] = ProbeStatus(function: .arpProcess, mechanism: nil, target: nil,
                                       reason: "fentry: EPERM; kprobe: kernel has no kprobe support")
        var a = Aggregator(naming: VerdictFixtures.naming)
        let key = CountKey(function: .fibLookup, interface: VerdictFixtures.va, ifname: "va", ret: 0, routeType: 2, tableID: 255)
        a.ingest(AggregateSnapshot(monotonicNs: 754_000_000_000, counts: [key: 40], stats: StreamStats()))
        let m = ScreenModel(aggregator: a, log: log, source: source, elapsedSeconds: 754, topUnanswered: TopUnanswered())
        var state = UIState(model: m, size: Self.minimum)
        _ = state.handle(.character("v"))
        _ = state.handle(.character("l"))
        let grid = Renderer.render(state, glyphs: .unicode)
        try Snapshot.assert(grid, named: "verdicts-unavailable-80x24")
        #expect(grid.text.contains("verdicts need arp_process probed: fentry: EPERM; kprobe: kernel has no kprobe"), "\(grid.text)")
        #expect(!grid.text.contains("Top unanswered"))
    }

    @Test("a recording made without verdicts says so, not a blank view")
    func recordingWithoutVerdicts() {
        var a = Aggregator(naming: VerdictFixtures.naming)
        let key = CountKey(function: .arpProcess, interface: VerdictFixtures.va, ifname: "va", ret: 0, routeType: 0)
        a.ingest(AggregateSnapshot(monotonicNs: 1, counts: [key: 12], stats: StreamStats()))
        var log = EventLog()
        log.append(ProbeEvent(timestampNs: 1, function: .arpProcess, cpu: 0, interface: VerdictFixtures.va, ifname: "va", ret: 0,
                              arpOp: 1, senderIP: IPv4("10.77.0.2")!, targetIP: IPv4("10.77.0.1")!))
        var source = VerdictFixtures.source
        source.label = "replay old.ndjson"
        let m = ScreenModel(aggregator: a, log: log, source: source, elapsedSeconds: 1, topUnanswered: TopUnanswered())
        #expect(m.verdicts.unavailable == "no verdicts in this recording: it counts 12 ARP packets but was made by an arptop without verdicts")
        var state = UIState(model: m, size: Self.wide)
        _ = state.handle(.character("v"))
        _ = state.handle(.character("l"))
        let grid = Renderer.render(state, glyphs: .unicode)
        #expect(grid.text.contains("no verdicts in this recording"))
        // Its packets are listed, each saying it has no verdict.
        #expect(grid.text.contains("10.77.0.2 -> 10.77.0.1"))
        #expect(grid.text.contains("no verdict"))
        // Live, before any packet: no reason, just nothing yet.
        let empty = ScreenModel(aggregator: Aggregator(naming: VerdictFixtures.naming), log: EventLog(), source: VerdictFixtures.source,
                                elapsedSeconds: 0, topUnanswered: TopUnanswered())
        #expect(empty.verdicts.unavailable == nil)
        var fresh = UIState(model: empty, size: Self.minimum)
        _ = fresh.handle(.character("v"))
        let freshGrid = Renderer.render(fresh, glyphs: .unicode).text
        #expect(freshGrid.contains("no ARP packets yet"))
        #expect(freshGrid.contains("Top unanswered (0)  from the logged packets "), "\(freshGrid)")
    }

    @Test("the verdicts view and the packet log in ASCII")
    func asciiVerdicts() throws {
        var state = VerdictFixtures.state(Self.minimum)
        _ = state.handle(.character("v"))
        _ = state.handle(.character("l"))
        _ = state.handle(.tab)
        _ = state.handle(.up)
        _ = state.handle(.enter)
        let grid = Renderer.render(state, glyphs: .ascii)
        let allASCII = grid.text.unicodeScalars.allSatisfy(\.isASCII)
        #expect(allASCII, "\(grid.text)")
    }

    @Test("the help lists every key at 80x24, replay keys included")
    func replayHelpFitsAtMinimum() {
        var model = VerdictFixtures.model()
        model.header.source = "replay demo"
        var state = UIState(model: model, size: Self.minimum)
        _ = state.handle(.character("?"))
        let grid = Renderer.render(state, glyphs: .unicode)
        for entry in KeyHelp.entries(replay: true) { #expect(grid.text.contains("│ \(entry.keys) "), "help lacks \(entry.keys)\n\(grid.text)") }
        #expect(grid.text.contains("any key closes"), "\(grid.text)")
    }
}
