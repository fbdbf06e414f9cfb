import ArptopCore

/// Every key, as the help overlay lists it (also what the key-handling tests walk through).
public enum KeyHelp {
    public static let entries: [(keys: String, action: String)] = [
        ("space, p", "pause / resume the screen (replay: playback too)"),
        ("i", "choose interfaces (type to filter, space toggle, a all)"),
        ("v", "verdicts per interface, top unanswered (Tab: table/log)"),
        ("l", "log of calls / packets (Up/Down select, Enter: chain)"),
        ("Tab, 1-4", "focus a pane (Shift-Tab: previous)"),
        ("Enter", "zoom the focused pane: every value, per interface"),
        ("Esc", "back: close zoom or overlay, clear the filter"),
        ("Up/Down, PgUp/PgDn", "scroll the event log by a line, by a page"),
        ("Home, End", "oldest event / follow the newest again"),
        ("/, e", "filter the log by text (an IP, vb@t1) / errors only"),
        ("c", "clear counts, rates and the log (asks y/n)"),
        ("+, -", "refresh slower / faster (0.1 s to 10 s)"),
        ("?, F1", "this help (Ctrl-L repaints the screen)"),
        ("q, F10, Ctrl-C", "quit"),
    ]

    /// The keys of a replay (`--replay`, `--demo`), listed when one is on screen.
    public static let replayEntries: [(keys: String, action: String)] = [
        (">, <, .", "replay faster / slower (1/16 to 64 times); next snapshot"),
        ("[, ]", "replay: jump to the start / the end of the recording"),
    ]

    /// The entries for a screen showing a replay (`replay`) or the kernel.
    public static func entries(replay: Bool) -> [(keys: String, action: String)] {
        replay ? entries + replayEntries : entries
    }
}

extension Painter {
    /// A box centred on the screen, `width` × `height` at most the screen less a margin.
    private func centred(width: Int, height: Int) -> Rect {
        let w = min(width, grid.cols - 2), h = min(height, grid.rows - 2)
        return Rect(row: (grid.rows - h) / 2, col: (grid.cols - w) / 2, height: h, width: w)
    }

    mutating func help(state: UIState) {
        let entries = KeyHelp.entries(replay: state.live.header.source != nil)
        let keyW = entries.map(\.keys.count).max()! + 2
        let notes = [
            "\(glyphs.errorMarker) marks an error return or an unanswered packet; \"other\" sums successes.",
            "A raw return value (-95, 7) is one BTF does not name: -N is errno N.",
            "Counts are exact; the log may drop or sample. Refresh \(Format.interval(state.refreshInterval)); any key closes.",
        ]
        let width = max(entries.map { keyW + $0.action.terminalWidth }.max()!, notes.map(\.terminalWidth).max()!) + 4
        let height = entries.count + notes.count + 3
        let rect = centred(width: width, height: height)
        box(rect, style: Style(.focus, bold: true), title: [Segment(" arptop keys ", Style(.title, bold: true))])
        let inner = rect.inset(1)
        var r = inner.row
        for e in entries where r < inner.bottom {
            text(e.keys, row: r, col: inner.col + 1, width: keyW, style: Style(.key, bold: true))
            text(e.action, row: r, col: inner.col + 1 + keyW, width: inner.width - 1 - keyW)
            r += 1
        }
        r += 1
        for n in notes where r < inner.bottom {
            text(n, row: r, col: inner.col + 1, width: inner.width - 2, style: Style(.muted))
            r += 1
        }
    }

    mutating func picker(_ picker: PickerState, interfaces: [InterfaceCount], namespaces: NamespaceNames, filter: InterfaceFilter) {
        let rows = picker.rows(in: interfaces, namespaces: namespaces)
        let labels = rows.map { $0.label(namespaces) }
        let countW = max(5, rows.map { Format.count($0.count).count }.max() ?? 5)
        let hint = "space toggle \(glyphs.separator) a all \(glyphs.separator) Enter apply \(glyphs.separator) Esc cancel"
        let width = max(hint.terminalWidth + 4, 4 + 4 + (labels.map(\.terminalWidth).max() ?? 10) + 2 + countW + 2, 44)
        let height = 4 + max(1, rows.count)
        let rect = centred(width: min(width, 72), height: height)
        let selected = picker.selection.isEmpty ? "all" : "\(picker.selection.count) of \(interfaces.count)"
        box(rect, style: Style(.focus, bold: true), title: [Segment(" Interfaces ", Style(.title, bold: true))],
            bottomInfo: [Segment(" \(selected) selected ", Style(.muted))])
        let inner = rect.inset(1)
        guard inner.height >= 3 else { return }
        let typed = [Segment(" filter: ", Style(.muted)), Segment(picker.filterText), Segment(" ", Style(.normal, reverse: true))]
        segments(typed, row: inner.row, col: inner.col, limit: inner.right)
        text(hint, row: inner.row + 1, col: inner.col + 1, width: inner.width - 2, style: Style(.muted))
        let listTop = inner.row + 2
        let listH = inner.bottom - listTop
        guard listH > 0 else { return }
        if rows.isEmpty {
            let msg = interfaces.isEmpty ? "no interfaces seen yet" : "no interface matches \"\(picker.filterText)\""
            text(msg, row: listTop, col: inner.col + 1, width: inner.width - 2, style: Style(.muted))
            return
        }
        let first = max(0, min(picker.cursor - listH + 1, rows.count - listH))
        let nameW = inner.width - 2 - 4 - 1 - countW
        for (offset, i) in (first..<min(rows.count, first + listH)).enumerated() {
            let r = listTop + offset
            let ticked = picker.selection.contains(rows[i].id)
            let line = (ticked ? "[x] " : "[ ] ") + Format.pad(labels[i], width: nameW, ellipsis: ellipsis) + " "
                + Format.pad(Format.count(rows[i].count), width: countW, ellipsis: ellipsis, alignRight: true)
            let style = i == picker.cursor ? Style(.selected, bold: true, reverse: true) : (ticked ? Style(.normal, bold: true) : Style(.muted))
            grid.fill(Rect(row: r, col: inner.col, height: 1, width: inner.width), style: style)
            text(line, row: r, col: inner.col + 1, width: inner.width - 2, style: style)
        }
        if first > 0 { grid.put(glyphs.arrowUp, row: listTop, col: inner.right - 1, style: Style(.muted)) }
        if first + listH < rows.count { grid.put(glyphs.arrowDown, row: inner.bottom - 1, col: inner.right - 1, style: Style(.muted)) }
    }
}
