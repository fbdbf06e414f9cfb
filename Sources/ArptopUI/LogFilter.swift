import ArptopCore

/// What the log shows: `/` keeps the lines whose text matches, `e` only the errors and the
/// unanswered packets. One model, a filter (k9s' `/`), not a highlight search: the lines that do
/// not match are hidden, the log's title says `filter: TEXT  N of M lines`, `Esc` clears it.
/// It applies to the calls, to the packets (`l`) and to the verdicts view's top unanswered table,
/// the same live, paused and in a replay: it is applied to whatever model is on screen.
public struct LogFilter: Equatable, Sendable {
    /// The text a line must contain (empty: any line). See `TextMatch` for how it matches.
    public var text: String
    /// Only calls that failed and packets that were not answered.
    public var errorsOnly: Bool

    public init(text: String = "", errorsOnly: Bool = false) {
        self.text = text
        self.errorsOnly = errorsOnly
    }

    /// Whether it hides anything at all.
    public var isActive: Bool { !text.isEmpty || errorsOnly }

    /// Whether `line` is shown in `mode`: its text as that mode shows it (`LogLine.searchText`),
    /// and, with `errorsOnly`, a failed call or an unanswered packet.
    public func matches(_ line: LogLine, mode: LogMode) -> Bool {
        matches(line, mode: mode, query: TextMatch.Query(text))
    }

    func matches(_ line: LogLine, mode: LogMode, query: TextMatch.Query) -> Bool {
        if errorsOnly, !line.isProblem { return false }
        return query.isEmpty || query.occurs(in: line.searchText(mode))
    }

    /// Whether a top unanswered row is shown: its target, sender, interface, verdict or why
    /// matches the text (every row is unanswered: `errorsOnly` keeps them all).
    public func matches(_ row: UnansweredRow) -> Bool {
        let query = TextMatch.Query(text)
        return query.isEmpty || query.occurs(in: row.searchText)
    }

    /// `model` with only what matches: the calls, the packets and the top unanswered rows
    /// (the latest unanswered packet becomes the latest matching one). Counts, rates and the
    /// log's totals are untouched: the filter hides lines, it does not change what was counted.
    /// With `memo` (the UI state's), a live refresh tests only the lines that arrived since
    /// the last one.
    public func apply(to model: ScreenModel) -> ScreenModel { apply(to: model, memo: nil) }

    func apply(to model: ScreenModel, memo: FilteredLines.Memo?) -> ScreenModel {
        guard isActive else { return model }
        let query = TextMatch.Query(text)
        var m = model
        func kept(_ lines: LogLines, _ mode: LogMode, _ memo: FilteredLines?) -> LogLines {
            memo?.kept(of: lines, by: self, mode: mode, query: query) ?? FilteredLines.all(of: lines, by: self, mode: mode, query: query)
        }
        m.log.lines = kept(model.log.lines, .calls, memo?.calls)
        m.log.packets = kept(model.log.packets, .packets, memo?.packets)
        if !query.isEmpty {
            m.verdicts.top = model.verdicts.top.filter { query.occurs(in: $0.searchText) }
            if let latest = model.verdicts.latest, !query.occurs(in: latest.searchText) {
                m.verdicts.latest = m.verdicts.top.max { ($0.latestSequence ?? 0) < ($1.latestSequence ?? 0) }
            }
        }
        return m
    }
}

/// The lines a filter kept of the last lines it was given, for the next lines of the same
/// origin (a `LogLineCache`'s, refresh after refresh): those gained lines at the end and lost
/// some at the front, so only the new ones are tested. Anything else is filtered whole.
final class FilteredLines: @unchecked Sendable {
    /// One per log mode: what `UIState` keeps between refreshes.
    final class Memo: Sendable {
        let calls = FilteredLines()
        let packets = FilteredLines()
    }

    private struct Key: Equatable {
        let filter: LogFilter
        let mode: LogMode
        let origin: LogLines.Origin
    }

    private var key: Key?
    /// The newest sequence number tested.
    private var newest: UInt64 = 0
    private var kept = LogLines()

    static func all(of lines: LogLines, by filter: LogFilter, mode: LogMode, query: TextMatch.Query) -> LogLines {
        LogLines(lines.lazy.filter { filter.matches($0, mode: mode, query: query) })
    }

    func kept(of lines: LogLines, by filter: LogFilter, mode: LogMode, query: TextMatch.Query) -> LogLines {
        guard let origin = lines.origin, let first = lines.first?.sequence, let last = lines.last?.sequence else {
            key = nil
            return Self.all(of: lines, by: filter, mode: mode, query: query)
        }
        let key = Key(filter: filter, mode: mode, origin: origin)
        if key == self.key, last >= newest {
            kept.removeFirst(kept.firstIndex(atOrAfter: first))
            for i in lines.firstIndex(atOrAfter: newest + 1)..<lines.count where filter.matches(lines[i], mode: mode, query: query) {
                kept.append(lines[i])
            }
        } else {
            self.key = key
            kept = Self.all(of: lines, by: filter, mode: mode, query: query)
        }
        newest = last
        return kept
    }
}

extension LogLine {
    /// A failed call (any error return) or an unanswered packet: what `e` keeps.
    public var isProblem: Bool { isError || packet?.isUnanswered == true }
}

extension UnansweredRow {
    /// The text the filter looks in: what the table row and its why show.
    public var searchText: String { "\(target) \(sender) \(interface) \(verdict) \(why)" }
}

/// How the filter text matches a line: a substring, case-insensitive (ASCII letters), except
/// that a digit at either end of the text matches only where the line has no digit next to it.
/// So `10.77.0.9` keeps 10.77.0.9 and not 10.77.0.90 or 110.77.0.9, `eth1` not `eth10`, while
/// `10.77.` keeps the whole subnet and `vb@t1` the interface. Offsets are UTF-8 (what is lowered
/// is ASCII only, so offsets never move).
public enum TextMatch {
    public struct Query: Sendable {
        let bytes: [UInt8]
        let leadDigit: Bool
        let trailDigit: Bool

        public init(_ text: String) {
            bytes = text.utf8.map(TextMatch.lower)
            leadDigit = bytes.first.map(TextMatch.isDigit) ?? false
            trailDigit = bytes.last.map(TextMatch.isDigit) ?? false
        }

        public var isEmpty: Bool { bytes.isEmpty }

        /// Whether the text occurs in `text` (an empty query occurs everywhere).
        public func occurs(in text: String) -> Bool {
            isEmpty || !ranges(in: text, firstOnly: true).isEmpty
        }

        /// UTF-8 offsets of the non-overlapping occurrences in `text`, first to last.
        public func ranges(in text: String, firstOnly: Bool = false) -> [Range<Int>] {
            guard !bytes.isEmpty else { return [] }
            var text = text
            return text.withUTF8 { hay in
                var out: [Range<Int>] = []
                let n = bytes.count
                guard n <= hay.count else { return out }
                var i = 0
                while i + n <= hay.count {
                    var j = 0
                    while j < n, TextMatch.lower(hay[i + j]) == bytes[j] { j += 1 }
                    if j == n, !(leadDigit && i > 0 && TextMatch.isDigit(hay[i - 1])),
                       !(trailDigit && i + n < hay.count && TextMatch.isDigit(hay[i + n])) {
                        out.append(i..<(i + n))
                        if firstOnly { break }
                        i += n
                    } else {
                        i += 1
                    }
                }
                return out
            }
        }
    }

    static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// Terminal columns (start, width) of the occurrences of `query` in `text`, for highlighting
    /// what is drawn.
    static func columns(of query: String, in text: String) -> [(col: Int, width: Int)] {
        let ranges = Query(query).ranges(in: text)
        guard !ranges.isEmpty else { return [] }
        // The column at each character's first UTF-8 offset.
        var colAt: [Int: Int] = [:]
        var offset = 0, col = 0
        for ch in text {
            colAt[offset] = col
            offset += ch.utf8.count
            col += ch.terminalWidth
        }
        colAt[offset] = col
        return ranges.compactMap { r in
            guard let a = colAt[r.lowerBound], let b = colAt[r.upperBound] else { return nil }  // inside a character
            return (a, b - a)
        }
    }
}
