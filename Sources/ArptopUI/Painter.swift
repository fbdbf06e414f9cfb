/// Drawing helpers over a `CellGrid`: text runs, rules with titles, rows of segments,
/// boxes. Used by the renderer's parts; knows nothing about the data.
struct Segment {
    var text: String
    var style: Style
    init(_ text: String, _ style: Style = .normal) {
        self.text = text
        self.style = style
    }
}

struct Painter {
    var grid: CellGrid
    let glyphs: Glyphs

    init(size: TerminalSize, glyphs: Glyphs) {
        grid = CellGrid(size: size)
        self.glyphs = glyphs
    }

    var ellipsis: String { glyphs.ellipsis }

    /// Draw `text` at (row, col) within `width` columns, truncated with an ellipsis.
    @discardableResult
    mutating func text(_ text: String, row: Int, col: Int, width: Int, style: Style = .normal) -> Int {
        guard width > 0 else { return 0 }
        return grid.put(Format.truncate(text, width: width, ellipsis: ellipsis), row: row, col: col, style: style, maxWidth: width)
    }

    /// Draw segments one after another from `col`, stopping (with an ellipsis) at `limit`.
    /// Returns the column after the last one written.
    @discardableResult
    mutating func segments(_ segs: [Segment], row: Int, col: Int, limit: Int) -> Int {
        var c = col
        for (i, s) in segs.enumerated() {
            let room = limit - c
            guard room > 0 else { break }
            let w = s.text.terminalWidth
            if w <= room {
                c += grid.put(s.text, row: row, col: c, style: s.style, maxWidth: room)
            } else {
                // Cut here; a separator-only segment is not worth an ellipsis.
                if i > 0, s.text.isBlank { break }
                c += text(s.text, row: row, col: c, width: room, style: s.style)
                break
            }
        }
        return c
    }

    static func width(_ segs: [Segment]) -> Int { segs.reduce(0) { $0 + $1.text.terminalWidth } }

    /// One row with `left` segments from the left edge and `right` segments flush right.
    /// `rightFirst`: the right side keeps its room and the left is cut (else the reverse).
    mutating func row(_ rect: Rect, row: Int, left: [Segment], right: [Segment], rightFirst: Bool) {
        let rw = Self.width(right), lw = Self.width(left)
        if rightFirst {
            let rStart = max(rect.col, rect.right - rw)
            segments(right, row: row, col: rStart, limit: rect.right)
            segments(left, row: row, col: rect.col, limit: rStart - (rStart > rect.col ? 1 : 0))
        } else {
            let end = segments(left, row: row, col: rect.col, limit: rect.right)
            let room = rect.right - end - (lw > 0 ? 2 : 0)
            guard room > 0, !right.isEmpty else { return }
            if rw <= room {
                segments(right, row: row, col: rect.right - rw, limit: rect.right)
            } else {
                segments(right, row: row, col: rect.right - room, limit: rect.right)
            }
        }
    }

    /// A horizontal rule across `width` with title segments near the left and info
    /// segments near the right: `─ title ───────── info ─`. The info keeps its room; the
    /// title's tail is cut first.
    mutating func rule(row: Int, col: Int, width: Int, style: Style, title: [Segment], info: [Segment]) {
        guard width > 0 else { return }
        grid.put(String(repeating: glyphs.horizontal, count: width), row: row, col: col, style: style)
        let iw = Self.width(info)
        let end = col + width - 1
        // Keep at least the first title segment (the pane number) and a dash before the info.
        let minTitle = min(Self.width(title.prefix(2).map { $0 }), max(0, width - 2))
        let infoStart = max(col + 1 + minTitle + 1, end - iw)
        segments(title, row: row, col: col + 1, limit: min(end, max(col + 1 + minTitle, infoStart - 1)))
        if !info.isEmpty, infoStart < end {
            segments(info, row: row, col: infoStart, limit: end)
        }
    }

    /// A box outline with an optional title in the top edge; the inside is cleared.
    mutating func box(_ rect: Rect, style: Style, title: [Segment] = [], bottomInfo: [Segment] = []) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        grid.fill(rect)
        let h = String(repeating: glyphs.horizontal, count: rect.width - 2)
        grid.put(String(glyphs.topLeft) + h + String(glyphs.topRight), row: rect.row, col: rect.col, style: style)
        grid.put(String(glyphs.bottomLeft) + h + String(glyphs.bottomRight), row: rect.bottom - 1, col: rect.col, style: style)
        for r in (rect.row + 1)..<(rect.bottom - 1) {
            grid.put(String(glyphs.vertical), row: r, col: rect.col, style: style)
            grid.put(String(glyphs.vertical), row: r, col: rect.right - 1, style: style)
        }
        if !title.isEmpty { segments(title, row: rect.row, col: rect.col + 2, limit: rect.right - 2) }
        if !bottomInfo.isEmpty {
            let w = Self.width(bottomInfo)
            segments(bottomInfo, row: rect.bottom - 1, col: max(rect.col + 2, rect.right - 2 - w), limit: rect.right - 2)
        }
    }

    /// Highlight the occurrences of the filter text `query` (as `TextMatch` matches it) in the
    /// text already drawn on `row` between `col` and `col + width`.
    mutating func highlight(_ query: String, row: Int, col: Int, width: Int, style: Style) {
        guard !query.isEmpty, width > 0 else { return }
        var drawn = ""
        for c in col..<min(grid.cols, col + width) where !grid[row, c].isContinuation {
            drawn.append(grid[row, c].character)
        }
        for m in TextMatch.columns(of: query, in: drawn) {
            grid.restyle(row: row, col: col + m.col, width: m.width) { $0 = style }
        }
    }
}

extension String {
    var isBlank: Bool { allSatisfy { $0 == " " } }
}
