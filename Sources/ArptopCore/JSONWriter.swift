/// Compact JSON written straight into UTF-8 bytes: no intermediate values, no allocation per
/// member. The event lines of `--json` and `--record` (one per logged call, up to the log rate)
/// are written with it directly; `JSONValue` (JSON.swift) writes through it as well, so string
/// escaping and number spelling exist once.
///
/// Commas are placed by the writer: a value or key that follows a finished value gets one.
struct JSONWriter {
    var bytes: [UInt8] = []
    /// Whether the next value or key follows a finished one at the same level.
    private var afterValue = false

    init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    /// The text written so far.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: structure

    /// Ends a line of NDJSON: the next value starts a new top-level value.
    mutating func newline() {
        bytes.append(0x0A)
        afterValue = false
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// `"key":` for a key spelled in the source (ASCII, nothing to escape).
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterValue = false
    }

    /// `"key":` for any key (escaped).
    mutating func key(_ key: String) {
        separate()
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
        afterValue = false
    }

    // MARK: values

    mutating func string(_ s: String) {
        separate()
        appendQuoted(s)
        afterValue = true
    }

    mutating func int<T: BinaryInteger>(_ value: T) {
        separate()
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendDecimal(UInt64(value.magnitude))
        } else {
            appendDecimal(UInt64(value))
        }
        afterValue = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
        afterValue = true
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: Self.nullBytes)
        afterValue = true
    }

    /// A number already spelled as JSON (a decoded value written back unchanged).
    mutating func number(text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        afterValue = true
    }

    /// `"a.b.c.d"`.
    mutating func ipv4(_ ip: IPv4) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for shift in stride(from: 0, to: 32, by: 8) {
            if shift > 0 { bytes.append(UInt8(ascii: ".")) }
            appendDecimal(UInt64((ip.raw >> UInt32(shift)) & 0xff))
        }
        bytes.append(UInt8(ascii: "\""))
        afterValue = true
    }

    /// `"aa:bb:cc:dd:ee:ff"`, as `MAC.format` spells it.
    mutating func mac(_ address: [UInt8]) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for (i, b) in address.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ":")) }
            bytes.append(Self.hexDigits[Int(b >> 4)])
            bytes.append(Self.hexDigits[Int(b & 0xf)])
        }
        bytes.append(UInt8(ascii: "\""))
        afterValue = true
    }

    /// `"YYYY-MM-DDTHH:MM:SS.ffffffZ"` of nanoseconds since the epoch (UTC, microseconds
    /// truncated), as `EventTimes.utcISO8601` spells it.
    mutating func utcTime(epochNs: Int64) {
        separate()
        let (days, inDay) = EventTimes.daysAndRest(epochNs)
        let (y, m, d) = EventTimes.civil(days)
        let s = inDay / 1_000_000_000
        bytes.append(UInt8(ascii: "\""))
        appendPadded(y, 4); bytes.append(UInt8(ascii: "-"))
        appendPadded(m, 2); bytes.append(UInt8(ascii: "-"))
        appendPadded(d, 2); bytes.append(UInt8(ascii: "T"))
        appendPadded(s / 3600, 2); bytes.append(UInt8(ascii: ":"))
        appendPadded(s / 60 % 60, 2); bytes.append(UInt8(ascii: ":"))
        appendPadded(s % 60, 2); bytes.append(UInt8(ascii: "."))
        appendPadded(inDay % 1_000_000_000 / 1_000, 6)
        bytes.append(UInt8(ascii: "Z"))
        bytes.append(UInt8(ascii: "\""))
        afterValue = true
    }

    // MARK: members: a key and its value

    mutating func member(_ key: StaticString, _ value: String) { self.key(key); string(value) }
    mutating func member<T: BinaryInteger>(_ key: StaticString, _ value: T) { self.key(key); int(value) }
    mutating func member(_ key: StaticString, _ value: Bool) { self.key(key); bool(value) }
    mutating func member(_ key: StaticString, _ value: IPv4) { self.key(key); ipv4(value) }

    // MARK: bytes

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        afterValue = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        afterValue = true
    }

    private mutating func separate() {
        if afterValue { bytes.append(UInt8(ascii: ",")) }
    }

    /// `value` in decimal.
    private mutating func appendDecimal(_ value: UInt64) {
        var width = 1
        var rest = value
        while rest >= 10 { rest /= 10; width += 1 }
        appendDigits(value, width)
    }

    /// `value` (not negative) zero-padded on the left to `width` digits (never cut).
    private mutating func appendPadded(_ value: Int64, _ width: Int) {
        var digits = 1
        var rest = value
        while rest >= 10 { rest /= 10; digits += 1 }
        appendDigits(UInt64(value), max(width, digits))
    }

    /// The last `width` (<= 20) decimal digits of `value`.
    private mutating func appendDigits(_ value: UInt64, _ width: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = value
            var i = width
            while i > 0 {
                i -= 1
                digits[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[0..<width]))
        }
    }

    /// `s` in quotes, with `"`, `\` and control characters escaped.
    private mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = s.utf8
        let plain = utf8.withContiguousStorageIfAvailable { run -> Bool in
            guard !run.contains(where: Self.needsEscape) else { return false }
            bytes.append(contentsOf: run)
            return true
        }
        if plain != true {
            for b in utf8 {
                guard Self.needsEscape(b) else { bytes.append(b); continue }
                bytes.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(b)
                case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(UInt8(ascii: "u"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(Self.hexDigits[Int(b >> 4)])
                    bytes.append(Self.hexDigits[Int(b & 0xf)])
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\")
    }
}
