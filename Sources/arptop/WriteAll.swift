import Glibc

/// Writes every byte of `bytes` to `fd`, retrying short writes and EINTR.
/// - Returns: false when a write failed; `errno` then says why.
/// Wraps `write(2)`.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    writeAllCounting(fd, bytes).error == nil
}

/// `writeAll`, saying how many bytes reached the file before an error, and the error's errno.
func writeAllCounting(_ fd: Int32, _ bytes: [UInt8]) -> (written: Int, error: Int32?) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 {
            if errno == EINTR { continue }
            return (offset, errno)
        }
        offset += n
    }
    return (offset, nil)
}

/// Writes `text` to stderr, unbuffered (a closed stderr is ignored).
func writeStderr(_ text: String) {
    _ = writeAll(2, Array(text.utf8))
}
