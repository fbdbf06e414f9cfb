import ArptopCore

/// Where everything goes on a screen of a given size. Pure, so key handling (page size)
/// and rendering agree.
public struct Layout: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Below the minimum: only the "terminal too small" message.
        case tooSmall
        /// ≥ 120 columns: panes 2×2 above the log.
        case wide
        /// 80…119 columns: panes stacked above the log.
        case narrow
    }

    public static let minimum = TerminalSize(rows: 24, cols: 80)
    public static let wideColumns = 120
    static let headerRows = 2

    public var kind: Kind
    public var size: TerminalSize
    public var header: Rect
    /// One rectangle per function (empty when zoomed).
    public var panes: [KernelFunction: Rect]
    /// Columns that separate side-by-side panes (wide layout).
    public var separators: [Rect]
    /// The event log: a title rule, a column heading row, then the lines.
    public var log: Rect
    /// The zoomed pane's area (the whole body) when zoomed.
    public var zoom: Rect?
    /// The last row: key hints, or the search prompt.
    public var footer: Rect

    /// Rows of log lines visible (the log's height less its title and column heading).
    public var logViewportHeight: Int { max(0, log.height - 2) }

    public static func compute(size: TerminalSize, zoomed: Bool) -> Layout {
        var layout = Layout(kind: .tooSmall, size: size, header: Rect(row: 0, col: 0, height: 0, width: 0),
                            panes: [:], separators: [], log: Rect(row: 0, col: 0, height: 0, width: 0),
                            zoom: nil, footer: Rect(row: 0, col: 0, height: 0, width: 0))
        guard size.rows >= minimum.rows, size.cols >= minimum.cols else { return layout }
        let cols = size.cols
        layout.kind = cols >= wideColumns ? .wide : .narrow
        layout.header = Rect(row: 0, col: 0, height: headerRows, width: cols)
        layout.footer = Rect(row: size.rows - 1, col: 0, height: 1, width: cols)
        let bodyTop = headerRows
        let available = size.rows - headerRows - 1
        if zoomed {
            layout.zoom = Rect(row: bodyTop, col: 0, height: available, width: cols)
            return layout
        }
        let minLog = 4
        let functions = KernelFunction.allCases
        if layout.kind == .wide {
            let paneHeight = min(max(available * 11 / 20 / 2, 4), 14, (available - minLog) / 2)
            let left = (cols - 1) / 2
            for (i, f) in functions.enumerated() {
                let r = bodyTop + (i / 2) * paneHeight
                let c = i % 2 == 0 ? 0 : left + 1
                layout.panes[f] = Rect(row: r, col: c, height: paneHeight, width: i % 2 == 0 ? left : cols - left - 1)
            }
            layout.separators = [Rect(row: bodyTop, col: left, height: 2 * paneHeight, width: 1)]
            let logTop = bodyTop + 2 * paneHeight
            layout.log = Rect(row: logTop, col: 0, height: size.rows - 1 - logTop, width: cols)
        } else {
            let n = functions.count
            let paneHeight = min(max(available * 7 / 10 / n, 4), 10, (available - minLog) / n)
            for (i, f) in functions.enumerated() {
                layout.panes[f] = Rect(row: bodyTop + i * paneHeight, col: 0, height: paneHeight, width: cols)
            }
            let logTop = bodyTop + n * paneHeight
            layout.log = Rect(row: logTop, col: 0, height: size.rows - 1 - logTop, width: cols)
        }
        return layout
    }
}
