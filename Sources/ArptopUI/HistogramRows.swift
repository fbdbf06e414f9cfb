/// Which histogram rows a pane shows when it has room for `maxRows`: every error value on a
/// row of its own (an error is what the operator came for: it is never folded away), then
/// the busiest successes, and the remaining successes summed into one "other" row.
/// Successes come first, then errors, each busiest first.
public struct HistogramRow: Equatable, Sendable {
    public var label: String
    public var count: UInt64
    public var isError: Bool
    /// For the "other" row: how many values it sums (0 for a real value).
    public var foldedValues: Int

    public var isOther: Bool { foldedValues > 0 }

    /// The rows for `maxRows` lines. Errors always get theirs, so when they alone need more
    /// than `maxRows`, more rows come back (the layout gives a pane `minimumRows`).
    public static func rows(_ bars: [HistogramBar], maxRows: Int) -> [HistogramRow] {
        guard maxRows > 0 else { return [] }
        let busiest = bars.sorted { ($0.count, $1.label) > ($1.count, $0.label) }
        let errors = busiest.filter(\.isError), successes = busiest.filter { !$0.isError }
        let room = max(0, maxRows - errors.count)
        let shown: [HistogramBar], folded: [HistogramBar]
        if successes.count <= room {
            shown = successes
            folded = []
        } else {
            shown = Array(successes.prefix(max(0, room - 1)))
            folded = Array(successes.dropFirst(max(0, room - 1)))
        }
        var rows = shown.map { HistogramRow(label: $0.label, count: $0.count, isError: false, foldedValues: 0) }
        if folded.count == 1 {
            rows.append(HistogramRow(label: folded[0].label, count: folded[0].count, isError: false, foldedValues: 0))
        } else if !folded.isEmpty {
            rows.append(HistogramRow(label: "other (\(folded.count) \(folded.count == 1 ? "value" : "values"))",
                                     count: folded.reduce(0) { $0 + $1.count }, isError: false, foldedValues: folded.count))
        }
        rows += errors.map { HistogramRow(label: $0.label, count: $0.count, isError: true, foldedValues: 0) }
        return rows
    }

    /// The fewest rows that show `bars` without folding an error: one per error, plus one for
    /// the successes (or for "no calls yet").
    public static func minimumRows(_ bars: [HistogramBar]) -> Int {
        let errors = bars.filter(\.isError).count
        return errors + (errors < bars.count || bars.isEmpty ? 1 : 0)
    }
}
