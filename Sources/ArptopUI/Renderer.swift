import ArptopCore

/// The screen as a pure function: (model, UI state, size, glyphs) → cells.
public enum Renderer {
    /// Render what `state` shows now (the frozen model while paused) at `state.size`.
    /// With ASCII glyphs (a locale that is not UTF-8) the grid holds only ASCII, whatever the
    /// data brought (a replay label's `×`, a name).
    public static func render(_ state: UIState, glyphs: Glyphs) -> CellGrid {
        var grid = render(model: state.displayedModel, state: state, size: state.size, glyphs: glyphs)
        if glyphs.isASCII { grid.transliterateToASCII() }
        return grid
    }

    /// Render `model` with `state`'s focus, zoom, overlays, scrolling and log filter at `size`.
    public static func render(model: ScreenModel, state: UIState, size: TerminalSize, glyphs: Glyphs) -> CellGrid {
        var p = Painter(size: size, glyphs: glyphs)
        let layout = Layout.compute(size: size, zoomed: state.isZoomed, model: model, verdicts: state.showsVerdicts)
        guard layout.kind != .tooSmall else {
            p.tooSmall(size)
            return p.grid
        }
        p.header(model, state: state, rect: layout.header)
        if let zoom = layout.zoom {
            p.zoom(model.pane(state.focus), function: state.focus, model: model, rect: zoom)
        } else if let verdicts = layout.verdicts {
            p.verdicts(model.verdicts, state: state, rect: verdicts)
            p.log(model.log, state: state, wide: layout.kind == .wide, rect: layout.log, verdictsUnavailable: model.verdicts.unavailable)
        } else {
            for f in KernelFunction.allCases {
                guard let rect = layout.panes[f] else { continue }
                p.pane(model.pane(f), function: f, focused: f == state.focus, compactNames: layout.kind == .narrow, rect: rect)
            }
            for s in layout.separators {
                // Rule rows cross the separator: ┬ at the top, ┼ between pane rows, ┴ on the log's rule.
                let ruleRows = Set(layout.panes.values.filter { $0.col == 0 }.map(\.row))
                for r in s.row..<s.bottom {
                    let ch = ruleRows.contains(r) ? (r == s.row ? glyphs.teeDown : glyphs.cross) : glyphs.vertical
                    p.grid.put(String(ch), row: r, col: s.col, style: Style(.border))
                }
            }
            p.log(model.log, state: state, wide: layout.kind == .wide, rect: layout.log, verdictsUnavailable: model.verdicts.unavailable)
            for s in layout.separators where s.bottom == layout.log.row {
                p.grid.put(String(glyphs.teeUp), row: s.bottom, col: s.col, style: Style(.border))
            }
        }
        p.footer(model, state: state, rect: layout.footer)
        switch state.overlay {
        case .help: p.help(state: state)
        case .picker(let picker): p.picker(picker, interfaces: state.live.interfaces, namespaces: state.live.namespaces, filter: state.interfaceFilter)
        case .filter, .confirmClear, nil: break
        }
        return p.grid
    }
}

extension KernelFunction {
    /// Names that fit a narrow log column.
    var shortName: String {
        switch self {
        case .arpProcess: "arp_process"
        case .ipRouteInputSlow: "ip_rt_in_slow"
        case .fibLookup: "fib_lookup"
        case .fibValidateSource: "fib_valid_src"
        }
    }
}

extension ProbeStatus {
    /// "fentry", "kprobe", "tracepoint fib:fib_table_lookup", "fentry fib_table_lookup".
    var mechanismText: String? {
        guard let m = mechanism else { return nil }
        if let t = target, !t.isEmpty, t != function.name { return "\(m.rawValue) \(t)" }
        return m.rawValue
    }
}

extension InterfaceFilter {
    /// "all", "eth0, veth1", "3 interfaces".
    func summary(_ interfaces: [InterfaceCount], namespaces: NamespaceNames, maxWidth: Int) -> String {
        guard let ids else { return "all" }
        if !names.isEmpty { return Self.list(names.sorted(), maxWidth: maxWidth) }  // `-i`: as asked
        let known = interfaces.filter { ids.contains($0.id) }.map { $0.label(namespaces) }.sorted()
        let unknown = ids.count - known.count
        return Self.list(known + (unknown > 0 ? ["\(unknown) gone"] : []), maxWidth: maxWidth)
    }

    private static func list(_ items: [String], maxWidth: Int) -> String {
        let joined = items.joined(separator: ", ")
        if joined.terminalWidth <= maxWidth || items.count == 1 { return joined }
        return "\(items.count) interfaces"
    }
}

extension Painter {
    // MARK: - Too small

    mutating func tooSmall(_ size: TerminalSize) {
        let m = Layout.minimum
        // Wrapped by phrase, then by word when a phrase alone is too wide.
        let phrases = ["Terminal too small: \(size.cols)\(glyphs.times)\(size.rows),",
                       "arptop needs at least \(m.cols)\(glyphs.times)\(m.rows)",
                       "\(glyphs.dash) enlarge the terminal"]
        let width = max(1, size.cols - 2)
        var lines: [String] = []
        for phrase in phrases {
            if let last = lines.last, last.terminalWidth + 1 + phrase.terminalWidth <= width {
                lines[lines.count - 1] = last + " " + phrase
            } else {
                lines += Format.wrap(phrase, width: width)
            }
        }
        let top = max(0, (size.rows - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < size.rows {
            let col = max(0, (size.cols - line.terminalWidth) / 2)
            text(line, row: top + i, col: col, width: size.cols - col, style: Style(.warning, bold: true))
        }
        let hint = "q quit"
        if top + lines.count + 1 < size.rows, hint.count <= size.cols {
            text(hint, row: top + lines.count + 1, col: (size.cols - hint.count) / 2, width: hint.count, style: Style(.muted))
        }
    }

    // MARK: - Header

    mutating func header(_ model: ScreenModel, state: UIState, rect: Rect) {
        let h = model.header
        let sep = Segment("  ")
        var left: [Segment] = [Segment("arptop", Style(.title, bold: true))]
        if let source = h.source { left += [sep, Segment(source, Style(.warning, bold: true))] }
        left += [sep, Segment("host ", Style(.muted)), Segment(h.host.isEmpty ? "?" : h.host, Style(.title))]
        left += [sep, Segment("kernel ", Style(.muted)), Segment(h.kernelRelease.isEmpty ? "?" : h.kernelRelease, Style(.title))]
        left += [sep, Segment("up ", Style(.muted)), Segment(Format.duration(h.elapsedSeconds))]
        // Right of row 0: the refresh interval, and the PAUSED banner (which wins the room).
        let refresh = [Segment("refresh ", Style(.muted)), Segment(Format.interval(state.refreshInterval))]
        var right: [Segment] = []
        if state.isPaused {
            right = [Segment(" PAUSED \(glyphs.separator) \(Format.count(state.eventsSincePause)) events since pause ", Style(.paused, bold: true, reverse: true))]
        }
        if Painter.width(left) + 2 + Painter.width(refresh) + (right.isEmpty ? 0 : 2) + Painter.width(right) <= rect.width {
            right = refresh + (right.isEmpty ? [] : [sep]) + right
        }
        row(rect, row: rect.row, left: left, right: right, rightFirst: true)

        // Row 1: totals, dropped and sampled (never hidden), and the interface filter.
        let log = model.log
        var stats: [Segment] = [
            Segment("events ", Style(.muted)), Segment(Format.count(h.totalEvents), Style(.normal, bold: true)),
            Segment("  "), Segment(Format.rate(h.eventsPerSecond), Style(.normal, bold: true)), Segment("/s", Style(.muted)),
        ]
        stats += [sep, Segment("dropped ", Style(.muted)),
                  Segment(Format.count(log.dropped), log.dropped > 0 ? Style(.warning, bold: true) : Style(.normal))]
        stats += [sep, Segment("sampled ", Style(.muted)),
                  Segment(Format.count(log.sampled), log.sampled > 0 ? Style(.warning, bold: true) : Style(.normal))]
        // Runs the kernel skipped are missing from the counts themselves: shown whenever there
        // are any, and as a lower bound (">=") on kernels that do not count every skip.
        if log.missed > 0 || !log.missedExact {
            stats += [sep, Segment("missed ", Style(.muted)),
                      Segment((log.missedExact ? "" : ">=") + Format.count(log.missed),
                              log.missed > 0 ? Style(.error, bold: true) : Style(.normal))]
        }
        let filterStyle = state.interfaceFilter.isAll ? Style(.normal) : Style(.warning, bold: true)
        let label = "interfaces "
        let filterRoom = max(12, rect.width - Painter.width(stats) - 2 - label.count)
        let right2: [Segment] = [
            Segment(label, Style(.muted)),
            Segment(state.interfaceFilter.summary(state.live.interfaces, namespaces: state.live.namespaces, maxWidth: filterRoom), filterStyle),
        ]
        row(rect, row: rect.row + 1, left: stats, right: right2, rightFirst: false)
    }

    // MARK: - Footer

    mutating func footer(_ model: ScreenModel, state: UIState, rect: Rect) {
        let r = rect.row
        if case .filter(let draft) = state.overlay {
            let counts = state.filterCounts
            let what = state.logMode == .calls ? "line" : "packet"
            let shown = draft.isEmpty && !state.filter.errorsOnly ? "type to filter the log (only matching lines stay)"
                : counts.shown == 0 ? "no \(what) matches" : "\(Format.count(UInt64(counts.shown))) of \(Format.plural(counts.held, what))"
            let info = [Segment(shown, Style(.muted)),
                        Segment("  "), Segment("Enter", Style(.key, bold: true)), Segment(" keep  "),
                        Segment("Esc", Style(.key, bold: true)), Segment(" cancel")]
            let prompt = [Segment("/", Style(.key, bold: true)), Segment(draft), Segment(" ", Style(.normal, reverse: true))]
            row(rect, row: r, left: prompt, right: info, rightFirst: false)
            return
        }
        if state.overlay == .confirmClear {
            let ask = [Segment("Clear counts, histograms and the event log? ", Style(.warning, bold: true)),
                       Segment("y", Style(.key, bold: true)), Segment(" clear  "),
                       Segment("n", Style(.key, bold: true)), Segment(" keep")]
            segments(ask, row: r, col: rect.col, limit: rect.right)
            return
        }
        var hints: [(String, String)]
        switch state.overlay {
        case .help: hints = [("any key", "close help")]
        case .picker: hints = [("type", "filter"), ("space", "toggle"), ("a", "all"), ("Enter", "apply"), ("Esc", "cancel")]
        default:
            let pause = ("space", state.isPaused ? "resume" : "pause")
            let otherLog = ("l", state.logMode == .calls ? "packets" : "calls")
            let packetKeys: [(String, String)] = state.logMode == .packets && !(state.showsVerdicts && state.verdictsFocus == .table)
                ? (state.packetCursor == nil ? [("\(glyphs.arrowUp)\(glyphs.arrowDown)", "select")]
                   : [("Enter", state.isChainShown ? "hide chain" : "chain"), ("Esc", "unselect")])
                : []
            if state.isZoomed {
                hints = [("Esc", "back"), ("Tab", "next pane"), ("1-4", "pane"), pause, ("?", "help"), ("q", "quit")]
            } else if state.showsVerdicts {
                let table: [(String, String)] = state.verdictsFocus == .log ? packetKeys
                    : model.verdicts.top.isEmpty ? []
                    : [("\(glyphs.arrowUp)\(glyphs.arrowDown)", "select")] + (state.selectedUnansweredRow?.latestSequence != nil ? [("Enter", "packet")] : [])
                hints = [("?", "help"), ("v", "panes")] + table + [("Tab", state.verdictsFocus == .table ? "log" : "table"), otherLog,
                         pause, ("i", "interfaces"), ("/", "filter"), ("c", "clear"), ("+/-", "refresh"), ("e", "errors only"), ("q", "quit")]
            } else if state.logMode == .packets {
                hints = [("?", "help"), pause, ("i", "interfaces"), ("v", "verdicts")] + packetKeys
                    + [otherLog, ("/", "filter"), ("Tab", "focus"), ("c", "clear"), ("+/-", "refresh"), ("e", "errors only"), ("q", "quit")]
            } else {
                hints = [("?", "help"), pause, ("i", "interfaces"), ("v", "verdicts"), ("Enter", "zoom"), ("/", "filter"),
                         ("Tab", "focus"), otherLog, ("c", "clear"), ("+/-", "refresh"), ("e", "errors only"), ("q", "quit")]
            }
            // A filter on: how to change it and the way back come first (after `? help`).
            let filter = state.filter
            if state.overlay == nil, !state.isZoomed, filter.isActive {
                // (Esc unselects a packet first: its hint stays, and says so.)
                let escFree = !hints.contains { $0.0 == "Esc" }
                let front: [(String, String)] = (filter.text.isEmpty ? [] : [("/", "edit filter")])
                    + (filter.errorsOnly ? [("e", "all lines")] : [])
                    + (escFree && !filter.text.isEmpty ? [("Esc", "clear filter")] : [])
                hints = hints.filter { h in !(h.0 == "/" && !filter.text.isEmpty) && !(h.0 == "e" && filter.errorsOnly) }
                hints.insert(contentsOf: front, at: 1)
            }
        }
        var left: [Segment] = []
        // Whole hints only: the ones in the middle that do not fit are dropped; `? help` and
        // `q quit` always stay (the way to learn the rest, the way out).
        func segs(_ hint: (String, String)) -> [Segment] { [Segment(hint.0, Style(.key, bold: true)), Segment(" \(hint.1)  ")] }
        let kept = Set(["?", "q"])
        var used = Painter.width(left) + hints.filter { kept.contains($0.0) }.reduce(0) { $0 + Painter.width(segs($1)) }
        var fitting = hints.filter { kept.contains($0.0) }.map { $0.0 }
        for hint in hints where !kept.contains(hint.0) {
            let w = Painter.width(segs(hint))
            if used + w - 2 > rect.width { continue }
            fitting.append(hint.0)
            used += w
        }
        for hint in hints where fitting.contains(hint.0) { left += segs(hint) }
        // The last hint's trailing blank is no part of it (cutting it must not show an ellipsis).
        while let last = left.last?.text, last.hasSuffix(" ") { left[left.count - 1].text = String(last.dropLast()) }
        segments(left, row: r, col: rect.col, limit: rect.right)
    }
}
