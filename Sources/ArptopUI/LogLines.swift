/// The log lines a model holds (up to 5,000), oldest first, stored in fixed-size chunks so that a
/// copy is cheap to change: a live refresh appends the new lines and drops the oldest while the
/// model on screen still holds the previous lines, and a plain Array would copy all of them
/// (copy-on-write) for every refresh. Here only the last chunk is copied, and dropping lines
/// from the front moves nothing (BENCHMARKS "User space after issue 11").
public struct LogLines: RandomAccessCollection, MutableCollection, Equatable, Sendable, ExpressibleByArrayLiteral {
    static let chunkSize = 256
    /// Every chunk is full but the last; `head` lines of the first are no longer held.
    private var chunks: [[LogLine]] = []
    private var head = 0
    public private(set) var count = 0
    /// Set by the `LogLineCache` the lines came from: lines of the same origin with the same
    /// sequence number are the same line, so a filter can test only the lines that are new
    /// (see `FilteredLines`). Not part of equality; replacing a line clears it.
    var origin: Origin?

    struct Origin: Equatable, Sendable {
        /// The cache (a random number per cache).
        let source: UInt64
        /// Raised whenever the cache rewrote a line it had handed out, or started over.
        let revision: UInt64
    }

    public init() {}

    public init<S: Sequence<LogLine>>(_ lines: S) {
        for line in lines { append(line) }
    }

    public init(arrayLiteral lines: LogLine...) { self.init(lines) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> LogLine {
        get {
            precondition(position >= 0 && position < count, "log line index out of range")
            let i = position + head
            return chunks[i / Self.chunkSize][i % Self.chunkSize]
        }
        set {
            precondition(position >= 0 && position < count, "log line index out of range")
            let i = position + head
            chunks[i / Self.chunkSize][i % Self.chunkSize] = newValue
            origin = nil
        }
    }

    /// The index of the first line numbered `sequence` or more (lines are in sequence order).
    func firstIndex(atOrAfter sequence: UInt64) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid].sequence < sequence { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The index of the line numbered `sequence`.
    func index(of sequence: UInt64) -> Int? {
        let i = firstIndex(atOrAfter: sequence)
        return i < count && self[i].sequence == sequence ? i : nil
    }

    public mutating func append(_ line: LogLine) {
        if let last = chunks.indices.last, chunks[last].count < Self.chunkSize {
            chunks[last].append(line)
        } else {
            var chunk: [LogLine] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunk.append(line)
            chunks.append(chunk)
        }
        count += 1
    }

    /// Forgets the `n` oldest lines.
    public mutating func removeFirst(_ n: Int) {
        precondition(n >= 0 && n <= count, "cannot remove more log lines than are held")
        count -= n
        guard count > 0 else { self = LogLines(); return }
        head += n
        let whole = head / Self.chunkSize
        if whole > 0 {
            chunks.removeFirst(whole)
            head -= whole * Self.chunkSize
        }
    }

    public mutating func removeAll() { self = LogLines() }

    public static func == (a: LogLines, b: LogLines) -> Bool { a.elementsEqual(b) }
}

extension LogLines: CustomReflectable {
    /// Shown as the lines (as an Array is), not as its chunks: what a failed test prints.
    public var customMirror: Mirror { Mirror(self, unlabeledChildren: Array(self), displayStyle: .collection) }
}
