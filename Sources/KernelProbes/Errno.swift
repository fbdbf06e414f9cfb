import CLibbpf
import Glibc

/// Symbolic errno name for messages: `errnoName(1)` is "EPERM", `errnoName(-524)` is "ENOTSUPP".
///
/// Wraps glibc `strerrorname_np` (through the CLibbpf shim, which also knows the
/// kernel-internal ENOTSUPP that BPF attach calls return).
func errnoName(_ code: Int32) -> String {
    let code = code < 0 ? -code : code
    if let name = clibbpf_errno_name(code) { return String(cString: name) }
    return "errno \(code)"
}

/// The current `errno` of the calling thread as a positive code.
var currentErrno: Int32 { errno }

/// libbpf's warnings captured since the last `clibbpf_log_clear()`, one per line.
func libbpfLogLines() -> [String] {
    String(cString: clibbpf_log_text())
        .split(separator: "\n")
        .map { $0.trimmingWhitespace() }
        .filter { !$0.isEmpty }
}

/// The most telling libbpf line for an error message: the last one that is not a
/// generic wrap-up, with the "libbpf: " prefix removed; nil when there is none.
func libbpfDetail() -> String? {
    let lines = libbpfLogLines().filter { !$0.contains("-- BEGIN") && !$0.contains("-- END") }
    let line = lines.last(where: { !$0.hasPrefix("libbpf: failed to load object") }) ?? lines.last
    guard var text = line else { return nil }
    if text.hasPrefix("libbpf: ") { text.removeFirst("libbpf: ".count) }
    return text
}
