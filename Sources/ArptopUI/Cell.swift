/// The cell buffer the renderer draws into and the terminal flushes: rows × columns of
/// characters with a semantic style. Nothing here knows about curses; a snapshot test
/// compares a `CellGrid` as text.

/// What a cell means, not what colour it is: the terminal maps each role to a colour pair,
/// or to bold/dim/reverse/underline when there is no colour.
public enum ColorRole: UInt8, CaseIterable, Sendable {
    case normal
    /// Header identity (host, kernel, …) and pane/log titles.
    case title
    /// Rules and box lines.
    case border
    /// The focused pane's rule and title.
    case focus
    /// Secondary text: column headings, units, hints.
    case muted
    /// Successful return values and their bars.
    case ok
    /// Error return values, their bars and the `!` marker.
    case error
    /// Things an operator must not miss: dropped/sampled events, unavailable probes.
    case warning
    /// Sparklines and rate charts.
    case spark
    /// The log filter's text in the lines it keeps.
    case match
    /// The cursor row in a list.
    case selected
    /// The PAUSED banner.
    case paused
    /// Key names in the help overlay and the footer.
    case key

    /// One letter per role for style snapshots (`normal` is a space).
    public var code: Character {
        switch self {
        case .normal: " "
        case .title: "t"
        case .border: "b"
        case .focus: "f"
        case .muted: "m"
        case .ok: "o"
        case .error: "e"
        case .warning: "w"
        case .spark: "s"
        case .match: "h"
        case .selected: "c"
        case .paused: "p"
        case .key: "k"
        }
    }
}

/// A role plus the attributes that do not depend on colour.
public struct Style: Hashable, Sendable {
    public var role: ColorRole
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(_ role: ColorRole = .normal, bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.role = role
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    public static let normal = Style()
    public func reversed() -> Style { var s = self; s.reverse = true; return s }
    public func bolded() -> Style { var s = self; s.bold = true; return s }
}

/// One terminal cell. A double-width character occupies its cell and the next one,
/// which is marked `isContinuation` and holds a space.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: Style
    public var isContinuation: Bool

    public init(_ character: Character = " ", style: Style = .normal, isContinuation: Bool = false) {
        self.character = character
        self.style = style
        self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}

public struct TerminalSize: Hashable, Sendable, CustomStringConvertible {
    public var rows: Int
    public var cols: Int
    public init(rows: Int, cols: Int) {
        self.rows = max(0, rows)
        self.cols = max(0, cols)
    }
    public var description: String { "\(cols)x\(rows)" }
}

/// A rectangle of cells, in grid coordinates.
public struct Rect: Hashable, Sendable {
    public var row: Int
    public var col: Int
    public var height: Int
    public var width: Int
    public init(row: Int, col: Int, height: Int, width: Int) {
        self.row = row
        self.col = col
        self.height = max(0, height)
        self.width = max(0, width)
    }
    public var bottom: Int { row + height }
    public var right: Int { col + width }
    public var isEmpty: Bool { height == 0 || width == 0 }
    /// The rectangle shrunk by `n` cells on every side.
    public func inset(_ n: Int) -> Rect { Rect(row: row + n, col: col + n, height: height - 2 * n, width: width - 2 * n) }
}

public struct CellGrid: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    public private(set) var cells: [Cell]

    public init(rows: Int, cols: Int) {
        self.rows = max(0, rows)
        self.cols = max(0, cols)
        cells = Array(repeating: .blank, count: self.rows * self.cols)
    }

    public init(size: TerminalSize) { self.init(rows: size.rows, cols: size.cols) }

    public var size: TerminalSize { TerminalSize(rows: rows, cols: cols) }

    public subscript(row: Int, col: Int) -> Cell {
        get { cells[row * cols + col] }
    }

    /// Write one cell, keeping double-width characters whole: a character that would be
    /// split by the write is replaced by spaces.
    private mutating func set(_ row: Int, _ col: Int, _ cell: Cell) {
        let i = row * cols + col
        if cells[i].isContinuation, col > 0 {
            cells[i - 1] = Cell(" ", style: cells[i - 1].style)
        }
        if col + 1 < cols, cells[i + 1].isContinuation {
            cells[i + 1] = Cell(" ", style: cells[i + 1].style)
        }
        cells[i] = cell
    }

    /// Draw `text` starting at (`row`, `col`), clipped to `maxWidth` columns (and the grid).
    /// Control characters are shown as `?`; a double-width character that does not fit is
    /// left out. Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, row: Int, col: Int, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard row >= 0, row < rows, col < cols else { return 0 }
        let limit = min(cols, col + (maxWidth ?? cols))
        var c = col
        if text.isPrintableASCII {
            for b in text.utf8 {
                if c + 1 > limit { break }
                if c >= 0 { set(row, c, Cell(Character(Unicode.Scalar(b)), style: style)) }
                c += 1
            }
            return max(0, c - col)
        }
        for ch in text {
            var ch = ch
            var w = ch.terminalWidth
            if ch.isTerminalControl { ch = "?"; w = 1 }
            if w == 0 { continue }
            if c + w > limit { break }
            if c >= 0 {
                set(row, c, Cell(ch, style: style))
                if w == 2 { set(row, c + 1, Cell(" ", style: style, isContinuation: true)) }
            }
            c += w
        }
        return max(0, c - col)
    }

    /// Fill a rectangle with one character.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .normal) {
        let clipped = rect.clipped(to: size)
        for r in clipped.row..<clipped.bottom {
            for c in clipped.col..<clipped.right {
                set(r, c, Cell(character, style: style))
            }
        }
    }

    /// Every character outside ASCII replaced by an ASCII look-alike (`×` → `x`, `—` → `-`) or
    /// `?`, and the second cell of a double-width character by a space: for terminals whose
    /// locale is not UTF-8 (LANG=C), where curses would drop such a character or shift the
    /// rest of the line and leave stale cells behind.
    public mutating func transliterateToASCII() {
        let map: [Character: Character] = ["×": "x", "—": "-", "–": "-", "…": "~", "·": "|", "→": ">", "←": "<",
                                           "↑": "^", "↓": "v", "│": "|", "─": "-", "“": "\"", "”": "\"", "’": "'"]
        for i in cells.indices {
            let ch = cells[i].character
            if cells[i].isContinuation {
                cells[i] = Cell(" ", style: cells[i].style)
            } else if !ch.isASCII {
                cells[i] = Cell(map[ch] ?? "?", style: cells[i].style)
            }
        }
    }

    /// Change the style of cells without changing their characters.
    public mutating func restyle(row: Int, col: Int, width: Int, _ transform: (inout Style) -> Void) {
        guard row >= 0, row < rows else { return }
        for c in max(0, col)..<min(cols, col + max(0, width)) {
            transform(&cells[row * cols + c].style)
        }
    }

    /// The characters of one row, double-width characters once.
    public func line(_ row: Int) -> String {
        var s = ""
        for c in 0..<cols where !self[row, c].isContinuation {
            s.append(self[row, c].character)
        }
        return s
    }

    /// The grid as text, one line per row (trailing spaces kept, so widths stay visible).
    public var text: String { (0..<rows).map(line).joined(separator: "\n") }

    /// One letter per cell for its role (see `ColorRole.code`), upper case when reversed,
    /// for snapshot tests of styling.
    public var styleText: String {
        (0..<rows).map { r in
            String((0..<cols).map { c -> Character in
                let s = self[r, c].style
                let code = s.role.code
                if s.reverse { return code == " " ? "R" : Character(code.uppercased()) }
                return code
            })
        }.joined(separator: "\n")
    }
}

extension Rect {
    func clipped(to size: TerminalSize) -> Rect {
        let r0 = max(0, row), c0 = max(0, col)
        let r1 = min(size.rows, bottom), c1 = min(size.cols, right)
        return Rect(row: r0, col: c0, height: r1 - r0, width: c1 - c0)
    }
}

// MARK: - Display width

extension Character {
    /// Columns this character takes in a terminal: 0 (zero-width), 1, or 2 (East Asian
    /// wide/fullwidth and emoji presentation), following wcwidth's rules for the common cases.
    public var terminalWidth: Int {
        let scalars = unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }  // emoji presentation selector
        return first.terminalWidth
    }

    var isTerminalControl: Bool {
        guard let v = unicodeScalars.first?.value else { return false }
        return v < 0x20 || (v >= 0x7F && v < 0xA0)
    }
}

extension Unicode.Scalar {
    var terminalWidth: Int {
        let v = value
        if v == 0 { return 0 }
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 1 }  // shown as '?'
        if v < 0x300 { return 1 }
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B { return 0 }
        if properties.isEmojiPresentation { return 2 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
        {
            return 2
        }
        return 1
    }
}

extension String {
    /// Columns this string takes in a terminal.
    public var terminalWidth: Int {
        if isPrintableASCII { return utf8.count }
        return reduce(0) { $0 + ($1.isTerminalControl ? 1 : $1.terminalWidth) }
    }

    /// Only the characters from space to `~`: one column and one byte each, so what is
    /// measured and drawn per byte is what the per-character rules give (most of what a
    /// frame draws; control characters and everything else take the general path).
    var isPrintableASCII: Bool {
        utf8.allSatisfy { $0 &- 0x20 < 0x5F }
    }
}
