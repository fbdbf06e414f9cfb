/// Compact JSON written straight into UTF-8 bytes: no intermediate values, no allocation per
/// member. The event lines of `--json` and `--record` (one per logged call, up to the log rate)
/// are written with it directly; `JSONValue` (JSON.swift) writes through it as well, so string
/// escaping and number spelling exist once.
///
/// Commas are placed by the writer: a value or key that follows a finished value gets one.
///
/// The bytes live in a buffer the writer owns (not an Array): a line is many small appends,
/// and an Array's uniqueness and capacity checks per append cost more than the writing did
/// (BENCHMARKS "JSON event lines"). Each write reserves what it needs, then stores bytes.
struct JSONWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    private(set) var count = 0
    /// Whether the next value or key follows a finished one at the same level.
    private var afterValue = false

    init(capacity: Int = 512) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The text written so far.
    var text: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

    /// The bytes written so far.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    // MARK: structure

    /// Ends a line of NDJSON: the next value starts a new top-level value.
    mutating func newline() {
        reserve(1)
        put(0x0A)
        afterValue = false
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// `"key":` for a key spelled in the source (ASCII, nothing to escape). Inlined, so that
    /// the key's length is known where it is written and the copy is a few stores.
    @inline(__always)
    mutating func key(_ key: StaticString) {
        let n = key.utf8CodeUnitCount
        reserve(n + 4)
        if afterValue { put(UInt8(ascii: ",")) }
        put(UInt8(ascii: "\""))
        put(key.utf8Start, count: n)
        put(UInt8(ascii: "\""))
        put(UInt8(ascii: ":"))
        afterValue = false
    }

    /// `"key":` for any key (escaped).
    mutating func key(_ key: String) {
        separate()
        appendQuoted(key)
        reserve(1)
        put(UInt8(ascii: ":"))
        afterValue = false
    }

    // MARK: values

    mutating func string(_ s: String) {
        separate()
        appendQuoted(s)
        afterValue = true
    }

    mutating func int<T: BinaryInteger>(_ value: T) {
        reserve(22)
        if afterValue { put(UInt8(ascii: ",")) }
        if value < 0 {
            put(UInt8(ascii: "-"))
            putDecimal(UInt64(value.magnitude))
        } else {
            putDecimal(UInt64(value))
        }
        afterValue = true
    }

    mutating func bool(_ value: Bool) {
        literal(value ? "true" : "false")
    }

    mutating func null() {
        literal("null")
    }

    /// A number already spelled as JSON (a decoded value written back unchanged).
    mutating func number(text: String) {
        separate()
        var text = text
        text.withUTF8 { putAll($0) }
        afterValue = true
    }

    /// `"a.b.c.d"`.
    mutating func ipv4(_ ip: IPv4) {
        reserve(18)
        if afterValue { put(UInt8(ascii: ",")) }
        put(UInt8(ascii: "\""))
        for shift in stride(from: 0, to: 32, by: 8) {
            if shift > 0 { put(UInt8(ascii: ".")) }
            putDecimal(UInt64((ip.raw >> UInt32(shift)) & 0xff))
        }
        put(UInt8(ascii: "\""))
        afterValue = true
    }

    /// `"aa:bb:cc:dd:ee:ff"`, as `MAC.format` spells it.
    mutating func mac(_ address: [UInt8]) {
        reserve(3 + 3 * address.count)
        if afterValue { put(UInt8(ascii: ",")) }
        put(UInt8(ascii: "\""))
        for (i, b) in address.enumerated() {
            if i > 0 { put(UInt8(ascii: ":")) }
            put(Self.hexDigit(b >> 4))
            put(Self.hexDigit(b & 0xf))
        }
        put(UInt8(ascii: "\""))
        afterValue = true
    }

    /// `"YYYY-MM-DDTHH:MM:SS.ffffffZ"` of nanoseconds since the epoch (UTC, microseconds
    /// truncated), as `EventTimes.utcISO8601` spells it.
    mutating func utcTime(epochNs: Int64) {
        let (days, inDay) = EventTimes.daysAndRest(epochNs)
        let (y, m, d) = EventTimes.civil(days)
        let s = inDay / 1_000_000_000
        reserve(64)
        if afterValue { put(UInt8(ascii: ",")) }
        put(UInt8(ascii: "\""))
        putPadded(y, 4); put(UInt8(ascii: "-"))
        putPadded(m, 2); put(UInt8(ascii: "-"))
        putPadded(d, 2); put(UInt8(ascii: "T"))
        putPadded(s / 3600, 2); put(UInt8(ascii: ":"))
        putPadded(s / 60 % 60, 2); put(UInt8(ascii: ":"))
        putPadded(s % 60, 2); put(UInt8(ascii: "."))
        putPadded(inDay % 1_000_000_000 / 1_000, 6)
        put(UInt8(ascii: "Z"))
        put(UInt8(ascii: "\""))
        afterValue = true
    }

    // MARK: members: a key and its value

    @inline(__always) mutating func member(_ key: StaticString, _ value: String) { self.key(key); string(value) }
    @inline(__always) mutating func member<T: BinaryInteger>(_ key: StaticString, _ value: T) { self.key(key); int(value) }
    @inline(__always) mutating func member(_ key: StaticString, _ value: Bool) { self.key(key); bool(value) }
    @inline(__always) mutating func member(_ key: StaticString, _ value: IPv4) { self.key(key); ipv4(value) }

    // MARK: bytes

    /// Makes room for `n` more bytes: the `put`s after it need no check.
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(to: count + n) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Stores one byte; room was reserved.
    @inline(__always)
    private mutating func put(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    /// Stores `n` bytes from `start`; room was reserved.
    @inline(__always)
    private mutating func put(_ start: UnsafePointer<UInt8>, count n: Int) {
        (base + count).update(from: start, count: n)
        count += n
    }

    /// Stores `run`, reserving room for it.
    private mutating func putAll(_ run: UnsafeBufferPointer<UInt8>) {
        reserve(run.count)
        if let start = run.baseAddress { put(start, count: run.count) }
    }

    @inline(__always)
    private static func hexDigit(_ v: UInt8) -> UInt8 {
        v < 10 ? UInt8(ascii: "0") &+ v : UInt8(ascii: "a") &+ (v &- 10)
    }

    private mutating func literal(_ text: StaticString) {
        reserve(text.utf8CodeUnitCount + 1)
        if afterValue { put(UInt8(ascii: ",")) }
        put(text.utf8Start, count: text.utf8CodeUnitCount)
        afterValue = true
    }

    private mutating func open(_ bracket: UInt8) {
        reserve(2)
        if afterValue { put(UInt8(ascii: ",")) }
        put(bracket)
        afterValue = false
    }

    private mutating func close(_ bracket: UInt8) {
        reserve(1)
        put(bracket)
        afterValue = true
    }

    private mutating func separate() {
        if afterValue {
            reserve(1)
            put(UInt8(ascii: ","))
        }
    }

    /// `value` in decimal (room for 20 digits was reserved).
    @inline(__always)
    private mutating func putDecimal(_ value: UInt64) {
        var width = 1
        var rest = value
        while rest >= 10 { rest /= 10; width += 1 }
        putDigits(value, width)
    }

    /// `value` (not negative) zero-padded on the left to `width` digits (never cut; room for
    /// 20 digits was reserved).
    private mutating func putPadded(_ value: Int64, _ width: Int) {
        var digits = 1
        var rest = value
        while rest >= 10 { rest /= 10; digits += 1 }
        putDigits(UInt64(value), max(width, digits))
    }

    /// The last `width` (<= 20) decimal digits of `value`, written from the right.
    @inline(__always)
    private mutating func putDigits(_ value: UInt64, _ width: Int) {
        var rest = value
        var i = count + width
        while i > count {
            i -= 1
            base[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
        count += width
    }

    /// `s` in quotes, with `"`, `\` and control characters escaped.
    private mutating func appendQuoted(_ s: String) {
        var s = s
        s.withUTF8 { run in
            reserve(run.count + 2)
            put(UInt8(ascii: "\""))
            guard run.contains(where: Self.needsEscape) else {
                if let start = run.baseAddress { put(start, count: run.count) }
                put(UInt8(ascii: "\""))
                return
            }
            for b in run {
                reserve(7)
                guard Self.needsEscape(b) else { put(b); continue }
                put(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): put(b)
                case UInt8(ascii: "\n"): put(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): put(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): put(UInt8(ascii: "t"))
                default:
                    put(UInt8(ascii: "u"))
                    put(UInt8(ascii: "0"))
                    put(UInt8(ascii: "0"))
                    put(Self.hexDigit(b >> 4))
                    put(Self.hexDigit(b & 0xf))
                }
            }
            reserve(1)
            put(UInt8(ascii: "\""))
        }
    }

    private static func needsEscape(_ b: UInt8) -> Bool {
        b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\")
    }
}
