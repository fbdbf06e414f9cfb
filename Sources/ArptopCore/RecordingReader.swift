#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem with a recording, naming the file and (when it is about one) the line.
public struct RecordingError: Error, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line number; 0 when the problem is not about a line (the file cannot be read).
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `recording FILE line 17: what is wrong`.
    public var description: String {
        line > 0 ? "recording \(file) line \(line): \(message)" : "recording \(file): \(message)"
    }
}

/// A record and the line it was read from.
public struct NumberedRecord: Sendable, Equatable {
    public var line: Int
    public var record: Record
}

/// Streams the records of an NDJSON recording, one line at a time, reading the file in
/// chunks (only the current line is held in memory). Blank lines are skipped.
///
/// While reading it learns the names the records carry (`naming`, `namespaces`) and keeps the
/// first `attached` record, so a replay can name values and namespaces exactly as the
/// recording did.
public final class RecordingReader {
    /// The name used in errors (the path, or e.g. "-" for standard input).
    public let name: String
    /// The names learned from the records read so far.
    public private(set) var naming = RecordedNaming()
    /// The network namespace names learned from the records read so far (the root's inode
    /// from `attached`, names from `netns` records).
    public private(set) var namespaces = NamespaceNames()
    /// The first `attached` record read so far.
    public private(set) var attached: AttachedRecord?
    /// The number of the last line read.
    public private(set) var lineNumber = 0

    /// Lines longer than this are refused rather than buffered without bound.
    public static let maxLineBytes = 64 << 20

    private let fd: Int32
    private let closeOnDeinit: Bool
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    /// Start of the unread part of `buffer`.
    private var start = 0
    /// Where to continue looking for a newline.
    private var scanned = 0
    private var atEOF = false
    /// The largest the buffer has been (for tests of bounded memory).
    private(set) var peakBufferBytes = 0

    /// Opens the recording at `path`.
    /// - Throws: `RecordingError` (line 0) when the file cannot be opened; wraps `open(2)`.
    public convenience init(path: String, chunkSize: Int = 1 << 16) throws(RecordingError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw RecordingError(file: path, line: 0, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        self.init(fileDescriptor: fd, name: path, closeOnDeinit: true, chunkSize: chunkSize)
    }

    /// Reads records from an open file descriptor (e.g. 0 for standard input).
    public init(fileDescriptor: Int32, name: String, closeOnDeinit: Bool = false, chunkSize: Int = 1 << 16) {
        precondition(chunkSize > 0)
        self.fd = fileDescriptor
        self.name = name
        self.closeOnDeinit = closeOnDeinit
        self.chunkSize = chunkSize
    }

    deinit {
        if closeOnDeinit { close(fd) }
    }

    /// The next record, or nil at the end of the file.
    /// - Throws: `RecordingError` naming the line: malformed JSON, a missing or mistyped field,
    ///   an unknown record type, a newer format version, or a truncated last line.
    public func next() throws(RecordingError) -> NumberedRecord? {
        while let (range, terminated) = try nextLine() {
            lineNumber += 1
            let result = buffer.withUnsafeBufferPointer { all in
                Self.decode(UnsafeBufferPointer(rebasing: all[range]), terminated: terminated)
            }
            switch result {
            case .blank: continue
            case .failure(let message): throw error(message)
            case .record(let record):
                naming.learn(from: record)
                namespaces.learn(from: record)
                if attached == nil, case .attached(let a) = record { attached = a }
                return NumberedRecord(line: lineNumber, record: record)
            }
        }
        return nil
    }

    private enum LineResult {
        case blank
        case record(Record)
        case failure(String)
    }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, terminated: Bool) -> LineResult {
        var line = bytes
        if line.last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .blank }
        let json: JSONValue
        do {
            json = try JSONValue.parse(line)
        } catch {
            if !terminated && error.isEndOfInput {
                return .failure("truncated: the file ends in the middle of this record (no newline, incomplete JSON)")
            }
            return .failure(error.description)
        }
        do {
            return .record(try Record(json: json))
        } catch {
            return .failure(error.message)
        }
    }

    private func error(_ message: String) -> RecordingError {
        RecordingError(file: name, line: lineNumber, message: message)
    }

    /// The byte range of the next line in `buffer` (without its newline) and whether a newline
    /// ended it; nil at the end of the file.
    private func nextLine() throws(RecordingError) -> (Range<Int>, Bool)? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let range = start..<newline
                start = newline + 1
                scanned = start
                return (range, true)
            }
            scanned = buffer.count
            if atEOF {
                guard start < buffer.count else { return nil }
                let range = start..<buffer.count
                start = buffer.count
                scanned = start
                return (range, false)
            }
            // Keep only the partial line, then read more.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                scanned -= start
                start = 0
            }
            if buffer.count > Self.maxLineBytes {
                lineNumber += 1
                throw error("line longer than \(Self.maxLineBytes) bytes")
            }
            try readChunk()
        }
    }

    private func readChunk() throws(RecordingError) {
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunkSize))
        var n: Int
        repeat {
            n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, chunkSize) }
        } while n < 0 && errno == EINTR
        guard n >= 0 else {
            let reason = String(cString: strerror(errno))
            buffer.removeLast(chunkSize)
            throw RecordingError(file: name, line: lineNumber + 1, message: "read failed: \(reason)")
        }
        buffer.removeLast(chunkSize - n)
        if n == 0 { atEOF = true }
        peakBufferBytes = max(peakBufferBytes, old + chunkSize)
    }
}
