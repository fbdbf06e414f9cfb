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
    /// The verdicts view, in place of the panes (above the log), when it is up.
    public var verdicts: Rect?
    /// The last row: key hints, or the filter prompt.
    public var footer: Rect

    /// Rows of log lines visible (the log's height less its title and column heading).
    public var logViewportHeight: Int { max(0, log.height - 2) }

    /// The layout for `size`. With a `model`, panes get the rows their content needs (the
    /// busiest first to shrink when space is short) and the log gets the rest, at least a
    /// quarter of the body; without one, fixed proportions. With `verdicts` the verdicts view
    /// takes the panes' place, with the rows its content needs.
    public static func compute(size: TerminalSize, zoomed: Bool, model: ScreenModel? = nil, verdicts: Bool = false) -> Layout {
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
        let functions = KernelFunction.allCases
        let minLog = max(4, available / 4)
        if verdicts {
            let model = model ?? ScreenModel.empty()
            let height = min(Painter.verdictsHeight(model.verdicts, width: cols, budget: available - minLog), available - 4)
            layout.verdicts = Rect(row: bodyTop, col: 0, height: height, width: cols)
            layout.log = Rect(row: bodyTop + height, col: 0, height: size.rows - 1 - bodyTop - height, width: cols)
            return layout
        }
        if layout.kind == .wide {
            let left = (cols - 1) / 2
            let widths = [left, cols - left - 1]
            // Two rows of two panes; a row is as tall as its taller pane needs.
            var needs: [Int] = [], mins: [Int] = []
            for row in 0..<2 {
                let pair = functions[(row * 2)..<(row * 2 + 2)]
                needs.append(pair.enumerated().map { need(model, $0.element, width: widths[$0.offset]) }.max()!)
                mins.append(pair.map { minimumHeight(model, $0) }.max()!)
            }
            let heights = allocate(needs: needs, mins: mins, budget: available - minLog)
            var r = bodyTop
            for (i, f) in functions.enumerated() {
                if i == 2 { r += heights[0] }
                layout.panes[f] = Rect(row: r, col: i % 2 == 0 ? 0 : left + 1, height: heights[i / 2], width: widths[i % 2])
            }
            let panesHeight = heights.reduce(0, +)
            layout.separators = [Rect(row: bodyTop, col: left, height: panesHeight, width: 1)]
            let logTop = bodyTop + panesHeight
            layout.log = Rect(row: logTop, col: 0, height: size.rows - 1 - logTop, width: cols)
        } else {
            let needs = functions.map { need(model, $0, width: cols) }
            let heights = allocate(needs: needs, mins: functions.map { minimumHeight(model, $0) }, budget: available - minLog)
            var r = bodyTop
            for (i, f) in functions.enumerated() {
                layout.panes[f] = Rect(row: r, col: 0, height: heights[i], width: cols)
                r += heights[i]
            }
            layout.log = Rect(row: r, col: 0, height: size.rows - 1 - r, width: cols)
        }
        return layout
    }

    /// Rows a pane wants: its title rule, the sparkline, one row per return value (at least
    /// two); for an unavailable function, the rule and its wrapped reason. Fixed without a model.
    static func need(_ model: ScreenModel?, _ f: KernelFunction, width: Int) -> Int {
        guard let model else { return 8 }
        guard let pane = model.pane(f) else { return 2 }
        if pane.status.isAttached { return 2 + max(2, pane.histogram.count) }
        return 1 + Painter.unavailableLines(pane.status, width: width - 2).count
    }

    /// Rows a pane cannot do without: its rule and a row per error value plus one for the
    /// successes (errors are never folded into "other"), and at least the rule, the sparkline
    /// and a histogram row.
    static func minimumHeight(_ model: ScreenModel?, _ f: KernelFunction) -> Int {
        guard let pane = model?.pane(f) else { return 4 }
        return pane.status.isAttached ? max(3, 1 + HistogramRow.minimumRows(pane.histogram)) : 3
    }

    /// Heights no smaller than `mins`, as close to `needs` as `budget` allows: the tallest
    /// gives up a row until the sum fits.
    static func allocate(needs: [Int], mins: [Int], budget: Int) -> [Int] {
        var h = zip(needs, mins).map { max($0, $1) }
        while h.reduce(0, +) > budget {
            guard let i = h.indices.filter({ h[$0] > mins[$0] }).max(by: { h[$0] < h[$1] }) else { break }
            h[i] -= 1
        }
        return h
    }
}
