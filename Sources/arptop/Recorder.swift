import ArptopCore
import Foundation

/// `--record FILE`: the same NDJSON as `--json`, written as it goes (flushed every refresh,
/// so a crash or a dropped SSH session loses at most the last refresh), rotated to FILE.1
/// when it grows past `maxBytes`. Created 0644; refuses to follow a symlink planted at FILE.
final class Recorder {
    let path: String
    let maxBytes: UInt64?
    private var fd: Int32 = -1
    private var written: UInt64 = 0
    private var buffer: [UInt8] = []
    private var header: String = ""

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
        written = 0
    }

    /// The attached record: written first, and again at the top of every rotated file.
    func start(_ attached: AttachedRecord) {
        header = attached.jsonLine
        append(header)
    }

    func append(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
    }

    /// Writes what is buffered; rotates first when the file would pass the size bound.
    func flush() throws {
        guard !buffer.isEmpty, fd >= 0 else { return }
        if let maxBytes, written > 0, written + UInt64(buffer.count) > maxBytes {
            Glibc.close(fd)
            _ = rename(path, path + ".1")
            try open()
            buffer.insert(contentsOf: Array((header + "\n").utf8), at: 0)
        }
        guard writeAll(fd, buffer) else {
            throw Failure("writing recording \(path) failed: \(String(cString: strerror(errno)))")
        }
        written += UInt64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        try? flush()
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}
