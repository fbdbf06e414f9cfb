/// Text formatting without Foundation: thousands separators, rates, durations, and
/// width-aware truncation, padding and word wrapping.
enum Format {
    /// 1234567 → "1,234,567".
    static func count<T: BinaryInteger>(_ n: T) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// "no match", "1 line", "1,234 lines": `noun` is singular and takes an s.
    static func plural<T: BinaryInteger>(_ n: T, _ noun: String, none: String? = nil) -> String {
        if n == 0, let none { return none }
        return "\(count(n)) \(noun)\(n == 1 ? "" : "s")"
    }

    /// A number with one decimal below 1000 ("42.0", "0.3"), grouped integers above ("1,234").
    static func rate(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0" }
        if value >= 999.95 { return count(Int64(value.rounded())) }
        return fixed(value, decimals: 1)
    }

    /// `value` with `decimals` digits after the point, rounded half away from zero.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "?" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let intPart = scaled / Int64(scale)
        var s = (value < 0 && scaled != 0 ? "-" : "") + String(intPart)
        if decimals > 0 {
            let frac = String(scaled % Int64(scale))
            s += "." + String(repeating: "0", count: decimals - frac.count) + frac
        }
        return s
    }

    /// A share 0…1 as "81.0%".
    static func percent(_ share: Double) -> String { fixed(share * 100, decimals: 1) + "%" }

    /// 3723 s → "1:02:03", 83 s → "1:23", 86400*2+5 → "2d 0:00:05".
    static func duration(_ seconds: Double) -> String {
        let total = seconds.isFinite && seconds > 0 ? Int(seconds) : 0
        let d = total / 86400, h = (total % 86400) / 3600, m = (total % 3600) / 60, s = total % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        if d > 0 { return "\(d)d \(h):\(two(m)):\(two(s))" }
        if h > 0 { return "\(h):\(two(m)):\(two(s))" }
        return "\(m):\(two(s))"
    }

    /// A refresh interval: "0.1s", "1s", "2.5s".
    static func interval(_ seconds: Double) -> String {
        let s = fixed(seconds, decimals: 1)
        return (s.hasSuffix(".0") ? String(s.dropLast(2)) : s) + "s"
    }

    /// `text` cut to `width` columns, ending in `ellipsis` when cut.
    static func truncate(_ text: String, width: Int, ellipsis: String) -> String {
        guard width > 0 else { return "" }
        if text.terminalWidth <= width { return text }
        let room = width - ellipsis.terminalWidth
        guard room > 0 else { return String(repeating: ".", count: width) }
        if text.isPrintableASCII { return String(decoding: text.utf8.prefix(room), as: UTF8.self) + ellipsis }
        var out = "", w = 0
        for ch in text {
            let cw = ch.terminalWidth
            if w + cw > room { break }
            out.append(ch)
            w += cw
        }
        return out + ellipsis
    }

    /// `text` truncated and padded with spaces to exactly `width` columns.
    static func pad(_ text: String, width: Int, ellipsis: String, alignRight: Bool = false) -> String {
        let t = truncate(text, width: width, ellipsis: ellipsis)
        let fill = String(repeating: " ", count: max(0, width - t.terminalWidth))
        return alignRight ? fill + t : t + fill
    }

    /// Word-wrap `text` into lines of at most `width` columns (long words are cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            var word = word
            while word.terminalWidth > width {
                if !current.isEmpty { lines.append(current); current = "" }
                var head = "", w = 0
                for ch in word {
                    if w + ch.terminalWidth > width { break }
                    head.append(ch); w += ch.terminalWidth
                }
                lines.append(head)
                word = String(word.dropFirst(head.count))
            }
            if current.isEmpty {
                current = word
            } else if current.terminalWidth + 1 + word.terminalWidth <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension String {
    /// Case-insensitive substring test (the picker's filter).
    func containsIgnoringCase(_ other: String) -> Bool {
        other.isEmpty || lowercased().contains(other.lowercased())
    }
}
