import ArptopCore
import Glibc

/// `--record FILE`: the same NDJSON as `--json`, written as it goes (flushed every refresh,
/// so a crash or a dropped SSH session loses at most the last refresh), rotated to FILE.1
/// when it grows past `maxBytes`. Created 0644; refuses to follow a symlink planted at FILE.
///
/// A write that fails (a full disk) does not end the run: the file is cut back to its last
/// complete line, `takeFailureToReport()` says so once, later lines are dropped, and
/// `failureMessage` makes the exit status say the recording is incomplete.
final class Recorder {
    let path: String
    let maxBytes: UInt64?
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    /// The attached record and every `netns` record: written again at the top of a rotated file.
    private var header: [String] = []
    private var writer: LineWriter!

    init(path: String, maxBytes: UInt64?) throws {
        self.path = path
        self.maxBytes = maxBytes
        try open()
    }

    deinit { close() }

    private func open() throws {
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC
        let oldMask = umask(0o022)
        fd = Glibc.open(path, flags, 0o644)
        umask(oldMask)
        guard fd >= 0 else {
            let why = errno == ELOOP ? "it is a symbolic link (refusing to follow it)" : String(cString: strerror(errno))
            throw Failure("cannot write recording \(path): \(why)")
        }
        let file = fd
        writer = LineWriter(write: { writeAllCounting(file, $0) }, truncate: { _ = ftruncate(file, off_t($0)) })
    }

    /// Whether FILE is a regular file (a device such as /dev/full is never renamed).
    private var isRegularFile: Bool {
        var st = stat()
        return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// The attached record: written first, and again at the top of every rotated file.
    func start(_ attached: AttachedRecord) {
        header = []
        appendHeader(attached.jsonLine)
    }

    /// A line every file of the recording needs (a `netns` record: the names of the events
    /// after it), written now and again at the top of every rotated file.
    func appendHeader(_ line: String) {
        header.append(line)
        append(line)
    }

    func append(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
    }

    /// An event's line, written straight into the buffer (no String made of it).
    func append(_ event: EventRecord, realtimeOffsetNs: Int64?) {
        event.appendJSONLine(to: &buffer, realtimeOffsetNs: realtimeOffsetNs)
    }

    /// Writes what is buffered; rotates first when the file would pass the size bound.
    /// A failure is kept (see `takeFailureToReport`), never thrown: counting goes on.
    func flush() {
        guard !buffer.isEmpty, fd >= 0 else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        if let maxBytes, writer.failure == nil, writer.bytesWritten > 0, writer.bytesWritten + UInt64(buffer.count) > maxBytes,
           isRegularFile {
            Glibc.close(fd)
            _ = rename(path, path + ".1")
            do { try open() } catch { fd = -1; return }
            buffer.insert(contentsOf: Array(header.map { $0 + "\n" }.joined().utf8), at: 0)
        }
        writer.write(buffer)
    }

    /// "writing recording F failed: No space left on device ...", once, when a write failed.
    func takeFailureToReport() -> String? {
        guard let e = writer?.takeFailureToReport() else { return nil }
        return "writing recording \(path) failed: \(String(cString: strerror(e))); the recording ends at its last complete line, counting goes on"
    }

    /// Set when the recording is incomplete: the exit status must say so.
    var failureMessage: String? {
        guard let e = writer?.failure else { return nil }
        return "recording \(path) is incomplete: \(String(cString: strerror(e))) (\(writer.droppedLines) lines not written)"
    }

    func close() {
        flush()
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}
