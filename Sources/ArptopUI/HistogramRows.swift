/// Which histogram rows a pane shows when it has room for `maxRows`: the busiest values,
/// successes first then errors (each busiest first), and the rest summed into one
/// "other" row.
public struct HistogramRow: Equatable, Sendable {
    public var label: String
    public var count: UInt64
    public var isError: Bool
    /// For the "other" row: how many values it sums (0 for a real value).
    public var foldedValues: Int
    /// For the "other" row: whether any of the summed values is an error.
    public var foldsErrors: Bool

    public var isOther: Bool { foldedValues > 0 }

    public static func rows(_ bars: [HistogramBar], maxRows: Int) -> [HistogramRow] {
        guard maxRows > 0 else { return [] }
        let busiest = bars.sorted { ($0.count, $1.label) > ($1.count, $0.label) }
        let shown: [HistogramBar], folded: [HistogramBar]
        if busiest.count <= maxRows {
            shown = busiest
            folded = []
        } else {
            shown = Array(busiest.prefix(maxRows - 1))
            folded = Array(busiest.dropFirst(maxRows - 1))
        }
        var rows = (shown.filter { !$0.isError } + shown.filter(\.isError)).map {
            HistogramRow(label: $0.label, count: $0.count, isError: $0.isError, foldedValues: 0, foldsErrors: false)
        }
        if !folded.isEmpty {
            rows.append(HistogramRow(
                label: "other (\(folded.count) values)", count: folded.reduce(0) { $0 + $1.count },
                isError: folded.allSatisfy(\.isError), foldedValues: folded.count, foldsErrors: folded.contains(where: \.isError)
            ))
        }
        return rows
    }
}
