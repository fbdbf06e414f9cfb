/// The characters the renderer draws with. The terminal picks `.unicode` when the locale's
/// codeset is UTF-8 and `.ascii` otherwise; the renderer never decides this itself.
public struct Glyphs: Sendable, Equatable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    public var teeDown: Character
    public var teeUp: Character
    public var cross: Character
    /// Sparkline levels from lowest to highest; index 0 is used only for a zero value.
    public var sparkLevels: [Character]
    /// A full bar cell, then partial cells from 1/8 to 7/8 (may be empty: no partials).
    public var barFull: Character
    public var barPartials: [Character]
    public var ellipsis: String
    public var separator: String
    public var dash: String
    public var times: String
    public var arrowUp: String
    public var arrowDown: String
    public var arrowRight: String
    /// Marks an error return value, so monochrome terminals still show it.
    public var errorMarker: Character
    /// An expanded packet's chain: a row, and the last row.
    public var treeBranch: Character = "├"
    public var treeLast: Character = "└"

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeDown: "┬", teeUp: "┴", cross: "┼",
        sparkLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        barFull: "█", barPartials: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"],
        ellipsis: "…", separator: "·", dash: "—", times: "×",
        arrowUp: "↑", arrowDown: "↓", arrowRight: "→", errorMarker: "!"
    )

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeDown: "+", teeUp: "+", cross: "+",
        sparkLevels: ["_", ".", "-", "=", "#"],
        barFull: "#", barPartials: [],
        ellipsis: "~", separator: "|", dash: "-", times: "x",
        arrowUp: "^", arrowDown: "v", arrowRight: ">", errorMarker: "!", treeBranch: "|", treeLast: "`"
    )

    public var isASCII: Bool { self == .ascii }

    /// The sparkline character for `value` scaled against `maximum`: level 0 only for zero,
    /// any non-zero value at least level 1.
    public func sparkline(_ value: Double, maximum: Double) -> Character {
        let top = sparkLevels.count - 1
        guard value > 0, maximum > 0, value.isFinite else { return sparkLevels[0] }
        let level = Int((min(value, maximum) / maximum * Double(top)).rounded(.up))
        return sparkLevels[min(top, max(1, level))]
    }

    /// A horizontal bar `fraction` (0…1) of `width` cells, with a partial last cell
    /// when the glyph set has them.
    public func bar(_ fraction: Double, width: Int) -> String {
        guard width > 0, fraction > 0, fraction.isFinite else { return "" }
        let f = min(1, fraction)
        if barPartials.isEmpty {
            let n = max(1, Int((f * Double(width)).rounded()))
            return String(repeating: barFull, count: n)
        }
        let eighths = max(1, Int((f * Double(width) * 8).rounded()))
        var s = String(repeating: barFull, count: eighths / 8)
        if eighths % 8 > 0 { s.append(barPartials[eighths % 8 - 1]) }
        return s
    }
}
