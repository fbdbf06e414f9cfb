#if canImport(Glibc)
import Glibc
#endif

/// Writes whole lines to a file that may fail under it (a full disk): the first failure is
/// kept (its errno), the file is cut back to the end of the last complete line, and every
/// later write is dropped and counted, so the program can go on counting and say once that
/// its recording stopped. The file operations are injected, so the rule is testable.
public final class LineWriter {
    /// Writes `bytes` from the start; returns how many were written before an error, and the
    /// error (nil when all were written). `writeAll` over `write(2)` in production.
    public typealias Write = ([UInt8]) -> (written: Int, error: Int32?)
    /// Cuts the file to `length` bytes (`ftruncate(2)`); may fail silently (a device).
    public typealias Truncate = (UInt64) -> Void

    private let writeBytes: Write
    private let truncate: Truncate
    /// Bytes known to be in the file, all complete lines.
    public private(set) var bytesWritten: UInt64 = 0
    /// The errno of the first failed write; nil while all is well.
    public private(set) var failure: Int32?
    /// Lines dropped since the failure (the one that failed included).
    public private(set) var droppedLines: UInt64 = 0
    private var reported = false

    public init(write: @escaping Write, truncate: @escaping Truncate) {
        writeBytes = write
        self.truncate = truncate
    }

    /// Writes `bytes` (complete lines); false when they did not all reach the file now.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return failure == nil }
        let lines = UInt64(bytes.lazy.filter { $0 == 0x0A }.count)
        guard failure == nil else {
            droppedLines += lines
            return false
        }
        let (written, error) = writeBytes(bytes)
        if let error {
            failure = error
            droppedLines += lines
            // A partial write leaves half a line: cut back to the last complete one.
            if written > 0 { truncate(bytesWritten) }
            return false
        }
        bytesWritten += UInt64(written)
        return true
    }

    /// Starts over on a new, empty file (after a rotation): failures are forgotten.
    public func reset() {
        bytesWritten = 0
        failure = nil
        droppedLines = 0
        reported = false
    }

    /// The failure, once: the first call after it happened returns its errno, later calls nil.
    public func takeFailureToReport() -> Int32? {
        guard let failure, !reported else { return nil }
        reported = true
        return failure
    }
}
