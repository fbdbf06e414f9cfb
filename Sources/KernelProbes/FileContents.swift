import Glibc

/// Every byte of the file at `path`, read until end of file.
///
/// /proc files report a size of 0, and FoundationEssentials' `Data(contentsOf:)` then stops
/// after the first page (4 kB of /proc/kallsyms's megabytes): read them with this.
/// - Returns: nil when the file cannot be opened or read; `errno` then says why.
/// Wraps `open(2)` and `read(2)`.
public func readFileToEnd(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n == 0 { return bytes }
        if n < 0 {
            if errno == EINTR { continue }
            return nil
        }
        bytes.append(contentsOf: chunk[..<n])
    }
}
