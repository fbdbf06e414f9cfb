import ArptopCore
import Testing
@testable import ArptopUI

@Suite("Cells, formatting and layout")
struct RenderingTests {
    @Test func wideCharactersTakeTwoCellsAndStayWhole() {
        var g = CellGrid(rows: 1, cols: 6)
        #expect(g.put("網路ab", row: 0, col: 0) == 6)
        #expect(g.line(0) == "網路ab")
        #expect(g[0, 1].isContinuation)
        // Overwriting the second half of a wide character blanks its first half.
        g.put("x", row: 0, col: 1)
        #expect(g.line(0) == " x路ab")
        // A wide character that does not fit is left out.
        var h = CellGrid(rows: 1, cols: 3)
        #expect(h.put("ab網", row: 0, col: 0) == 2)
        #expect(h.line(0) == "ab ")
    }

    @Test func controlCharactersAreShownAsQuestionMarks() {
        var g = CellGrid(rows: 1, cols: 4)
        g.put("a\u{1B}[", row: 0, col: 0)
        #expect(g.line(0) == "a?[ ")
    }

    @Test("printable ASCII takes the per-byte path; it measures, draws and cuts as the per-character rules do",
          arguments: ["", "va 10.77.0.1 -> 10.77.0.2 RTN_LOCAL ~", "a\r\nb", "tab\there", "e\u{301}x", "網路 ab", "ok ✔ done",
                      "flag 🇫🇷 x", "\u{7F}del", "nul\u{0}x"])
    func asciiFastPathAgreesWithTheGeneralRules(text: String) {
        let perCharacter = text.reduce(0) { $0 + ($1.isTerminalControl ? 1 : $1.terminalWidth) }
        #expect(text.terminalWidth == perCharacter)
        #expect(text.isPrintableASCII == text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) })
        for width in [0, 1, 3, 8, 80] {
            var fast = CellGrid(rows: 1, cols: 80), general = CellGrid(rows: 1, cols: 80)
            let written = fast.put(text, row: 0, col: 2, maxWidth: width)
            var c = 2
            for ch in text {  // the general rule, character by character
                let w = ch.isTerminalControl ? 1 : ch.terminalWidth
                if w == 0 { continue }
                if c + w > 2 + width { break }
                general.put(ch.isTerminalControl ? "?" : String(ch), row: 0, col: c)
                c += w
            }
            #expect(written == c - 2, "width \(width)")
            #expect(fast.line(0) == general.line(0), "width \(width)")
            let cut = Format.truncate(text, width: width, ellipsis: "…")
            #expect(cut.terminalWidth <= width)
            if perCharacter <= width { #expect(cut == text) } else if width > 1 { #expect(cut.hasSuffix("…")) }
        }
    }

    @Test func formatting() {
        #expect(Format.count(0) == "0")
        #expect(Format.count(1_234_567) == "1,234,567")
        #expect(Format.rate(0) == "0")
        #expect(Format.rate(41) == "41.0")
        #expect(Format.rate(0.04) == "0.0")
        #expect(Format.rate(12_345.6) == "12,346")
        #expect(Format.percent(0.2149) == "21.5%")
        #expect(Format.duration(754) == "12:34")
        #expect(Format.duration(3723) == "1:02:03")
        #expect(Format.duration(2 * 86400 + 5) == "2d 0:00:05")
        #expect(Format.interval(0.1) == "0.1s")
        #expect(Format.interval(10) == "10s")
        #expect(Format.truncate("fib_validate_source", width: 8, ellipsis: "…") == "fib_val…")
        #expect(Format.wrap("not attached: fentry: EPERM", width: 14) == ["not attached:", "fentry: EPERM"])
    }

    @Test func histogramFoldsSuccessesIntoOtherButNeverErrors() {
        let bars = Fixtures.fibLookup.histogram
        let all = HistogramRow.rows(bars, maxRows: 10)
        #expect(all.map(\.label) == ["RTN_LOCAL", "RTN_UNICAST", "RTN_BROADCAST", "RTN_UNREACHABLE", "RTN_MULTICAST", "EAGAIN", "ENETUNREACH"])
        let four = HistogramRow.rows(bars, maxRows: 4)
        // Both errors keep their rows; the busiest success, then the other successes summed.
        #expect(four.map(\.label) == ["RTN_LOCAL", "other (4 values)", "EAGAIN", "ENETUNREACH"])
        #expect(four[1].count == 9_877 + 1_201 + 190 + 21)
        #expect(!four[1].isError)
        #expect(four.reduce(0) { $0 + $1.count } == bars.reduce(0) { $0 + $1.count })
        // Too little room even for the errors: they still come back, one row each.
        let two = HistogramRow.rows(bars, maxRows: 2)
        #expect(two.filter(\.isError).map(\.label) == ["EAGAIN", "ENETUNREACH"])
        #expect(HistogramRow.minimumRows(bars) == 3)
        let errorsKept = HistogramRow.rows(Fixtures.fibValidateSource.histogram, maxRows: 2)
        #expect(errorsKept.map(\.label) == ["0", "EXDEV"])
        #expect(errorsKept[1].isError)
        // One success left over is shown as itself, not as "other (1 value)".
        let oneLeft = HistogramRow.rows(bars.filter { $0.isError || $0.label == "RTN_LOCAL" }, maxRows: 2)
        #expect(oneLeft.map(\.label) == ["RTN_LOCAL", "EAGAIN", "ENETUNREACH"])
    }

    @Test("at 80×24 every error value of every pane is on screen, and the footer keeps ? help and q quit")
    func minimumSizeShowsEveryError() {
        // Three errors in a pane, as the lab's ip_route_input_slow (0, EHOSTUNREACH, EXDEV) plus one.
        var model = Fixtures.model()
        model.panes[0].histogram += [HistogramBar(label: "EHOSTUNREACH", count: 230, isError: true),
                                     HistogramBar(label: "EXDEV", count: 20, isError: true)]
        let state = UIState(model: model, size: TerminalSize(rows: 24, cols: 80))
        let grid = Renderer.render(state, glyphs: .unicode)
        for pane in model.panes {
            for bar in pane.histogram where bar.isError {
                #expect(grid.text.contains("! \(bar.label) "), "\(pane.function.name): \(bar.label) hidden\n\(grid.text)")
            }
        }
        #expect(!grid.text.contains("! other"), "errors folded into other\n\(grid.text)")
        let footer = grid.line(23)
        #expect(footer.hasPrefix("? help "), "\(footer)")
        #expect(footer.contains("q quit"), "\(footer)")
    }

    @Test("layout kind by size", arguments: [
        (TerminalSize(rows: 24, cols: 80), Layout.Kind.narrow),
        (TerminalSize(rows: 23, cols: 80), .tooSmall),
        (TerminalSize(rows: 24, cols: 79), .tooSmall),
        (TerminalSize(rows: 40, cols: 119), .narrow),
        (TerminalSize(rows: 40, cols: 120), .wide),
        (TerminalSize(rows: 0, cols: 0), .tooSmall),
    ])
    func layoutKind(size: TerminalSize, kind: Layout.Kind) {
        #expect(Layout.compute(size: size, zoomed: false, model: Fixtures.model()).kind == kind)
    }

    @Test("layout fills the screen without overlap", arguments: [
        TerminalSize(rows: 24, cols: 80), TerminalSize(rows: 40, cols: 80), TerminalSize(rows: 48, cols: 160),
        TerminalSize(rows: 30, cols: 120), TerminalSize(rows: 100, cols: 300),
    ])
    func layoutTiles(size: TerminalSize) {
        for model in [Fixtures.model(), ScreenModel.empty(), VerdictFixtures.model(), nil] {
          for verdicts in [false, true] {
            let l = Layout.compute(size: size, zoomed: false, model: model, verdicts: verdicts)
            #expect(l.logViewportHeight >= 2)
            var covered = Array(repeating: 0, count: size.rows * size.cols)
            for r in [l.header, l.log, l.footer] + Array(l.panes.values) + l.separators + (l.verdicts.map { [$0] } ?? []) {
                for row in r.row..<r.bottom { for col in r.col..<r.right { covered[row * size.cols + col] += 1 } }
            }
            #expect(covered.allSatisfy { $0 == 1 })
          }
        }
    }

    @Test("tiny terminals render the message without crashing", arguments: [
        TerminalSize(rows: 0, cols: 0), TerminalSize(rows: 1, cols: 1), TerminalSize(rows: 3, cols: 10),
        TerminalSize(rows: 23, cols: 200), TerminalSize(rows: 200, cols: 20),
    ])
    func tiny(size: TerminalSize) {
        var s = Fixtures.state(size)
        let grid = Renderer.render(s, glyphs: .unicode)
        #expect(grid.size == size)
        _ = s.handle(.character("?"))
        _ = Renderer.render(s, glyphs: .ascii)
    }

    @Test func everyOverlayRendersAtTheMinimumSize() {
        let min = Layout.minimum
        for keys in [[Key.character("?")], [.character("i")], [.character("/")], [.enter], [.character("2"), .enter]] {
            var s = Fixtures.state(min)
            for k in keys { _ = s.handle(k) }
            for glyphs in [Glyphs.unicode, .ascii] {
                let g = Renderer.render(s, glyphs: glyphs)
                #expect(g.size == min)
            }
        }
    }

    @Test func errorsAreMarkedAndColouredApart() {
        let grid = Renderer.render(Fixtures.state(), glyphs: .unicode)
        // The EXDEV row in the fib_validate_source pane: marker and label in the error role.
        guard let row = (0..<grid.rows).first(where: { grid.line($0).contains("! EXDEV ") }) else {
            Issue.record("no EXDEV row")
            return
        }
        let text = grid.line(row)
        let col = text.distance(from: text.startIndex, to: text.range(of: "! EXDEV")!.lowerBound)
        #expect(grid[row, col].style.role == .error)
        #expect(grid[row, col + 2].style.role == .error)
    }

    @Test func droppedAndSampledAreAlwaysShown() {
        var m = Fixtures.model()
        m.log.dropped = 0
        m.log.sampled = 0
        for size in [TerminalSize(rows: 24, cols: 80), TerminalSize(rows: 48, cols: 160)] {
            let grid = Renderer.render(UIState(model: m, size: size), glyphs: .unicode)
            #expect(grid.line(1).contains("dropped 0"))
            #expect(grid.line(1).contains("sampled 0"))
        }
    }

    @Test func longInterfaceFilterIsSummarised() {
        let ids = Set(Fixtures.interfaces.map(\.id))
        var s = UIState(model: Fixtures.model().filtered(.interfaces(ids)), size: TerminalSize(rows: 24, cols: 80))
        var grid = Renderer.render(s, glyphs: .unicode)
        #expect(grid.line(1).hasSuffix("interfaces 5 interfaces"), "\(grid.line(1))")
        s = UIState(model: Fixtures.model().filtered(.interfaces([Fixtures.va, Fixtures.lo])), size: TerminalSize(rows: 24, cols: 80))
        grid = Renderer.render(s, glyphs: .unicode)
        #expect(grid.line(1).hasSuffix("interfaces lo, va"))
        s = UIState(model: Fixtures.model().filtered(.names(["eth3"])), size: TerminalSize(rows: 24, cols: 80))
        grid = Renderer.render(s, glyphs: .unicode)
        #expect(grid.line(1).contains("interfaces eth3"))
    }
}

@Suite("ASCII terminals (LANG=C)")
struct ASCIITerminalTests {
    /// A replay's label carries `×`; without UTF-8 curses would drop it and shift the rest of the
    /// header ("up 0:005"): the grid must hold only ASCII, the speed written with an x.
    @Test func replayLabelAndDataBecomeASCII() {
        var model = Fixtures.model()
        model.header.source = "replay lab.ndjson ×8 — 0:12 / 1:00"
        model.log.lines[model.log.lines.count - 1].interface = "wlan—ü"
        let state = UIState(model: model, size: TerminalSize(rows: 48, cols: 160))
        let grid = Renderer.render(state, glyphs: .ascii)
        let allASCII = grid.text.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII, "\(grid.text)")
        #expect(grid.line(0).contains("replay lab.ndjson x8 - 0:12 / 1:00"), "\(grid.line(0))")
        #expect(grid.line(0).contains("up 12:34"), "\(grid.line(0))")
        // With UTF-8 nothing is replaced.
        #expect(Renderer.render(state, glyphs: .unicode).line(0).contains("×8 — 0:12"))
    }
}

@Suite("counts in words")
struct PluralTests {
    @Test func paneTitleAndFilterCountsPluralise() {
        var model = Fixtures.model()
        model.panes[0].totalCalls = 1
        var s = UIState(model: model, size: TerminalSize(rows: 48, cols: 160))
        var grid = Renderer.render(s, glyphs: .unicode)
        #expect(grid.text.contains(" 1 call  "), "\(grid.line(2))")
        #expect(!grid.text.contains(" 1 calls "))
        #expect(grid.text.contains("32,047 calls"))
        // Typing: the prompt counts the lines the filter keeps, then says none is left.
        _ = s.handle(.character("/"))
        for ch in "14:12:36.868" { _ = s.handle(.character(ch)) }  // the line at monotonic 756.868225 s
        grid = Renderer.render(s, glyphs: .unicode)
        #expect(grid.line(47).hasPrefix("/14:12:36.868 "), "\(grid.line(47))")
        #expect(grid.line(47).contains("1 of 120 lines  Enter keep  Esc cancel"), "\(grid.line(47))")
        _ = s.handle(.character("9"))
        grid = Renderer.render(s, glyphs: .unicode)
        #expect(grid.line(47).contains("no line matches  "), "\(grid.line(47))")
        // Kept without a match: the log's rule says "0 of 120 lines", the log why it is empty.
        _ = s.handle(.enter)
        grid = Renderer.render(s, glyphs: .unicode)
        #expect(grid.text.contains(" filter: 14:12:36.8689 "), "\(grid.text)")
        #expect(grid.text.contains(" 0 of 120 lines "), "\(grid.text)")
        #expect(grid.text.contains("no line matches \"14:12:36.8689\" (Esc clears the filter)"), "\(grid.text)")
        #expect(grid.line(47).hasPrefix("? help  / edit filter  Esc clear filter  "), "\(grid.line(47))")
        #expect(Format.plural(2_000, "line") == "2,000 lines")
    }
}

@Suite("log notes")
struct LogNoticeTests {
    @Test("a note (demo loop, replay stopped) sits under the log's rule, above the heading; errors in the error colour")
    func noticeAboveTheHeading() throws {
        var model = Fixtures.model()
        model.log.notice = "replay stopped: recording x.ndjson line 29: truncated line (q quits)"
        model.log.noticeIsError = true
        let state = UIState(model: model, size: TerminalSize(rows: 48, cols: 160))
        let grid = Renderer.render(state, glyphs: .unicode)
        let rule = try #require((0..<48).first { grid.line($0).hasPrefix("─ Event log ") })
        #expect(grid.line(rule + 1).hasPrefix(" — replay stopped: recording x.ndjson line 29: truncated line (q quits) —"), "\(grid.line(rule + 1))")
        #expect(grid[rule + 1, 3].style.role == .error)
        #expect(grid.line(rule + 2).hasPrefix(" TIME "), "\(grid.line(rule + 2))")
        // The newest line is still at the bottom, above the footer.
        #expect(grid.line(46).contains(model.log.lines.last!.time))
    }
}
