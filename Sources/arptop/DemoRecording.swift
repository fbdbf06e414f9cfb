import Glibc

/// The recording `--demo` plays: embedded at build time (Plugins/EmbedDemo) from
/// `Sources/arptop/demo/demo.ndjson`, which the VM tests record on Debian's 6.1 kernel.
enum DemoRecording {
    /// A path the replay reader can open (and reopen to loop): an unlinked temporary file,
    /// reached through /proc/self/fd, so nothing is left behind on any way out.
    static func path() throws -> String {
        var template = Array(((getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/arptop-demo.XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw Failure("cannot create a temporary file for the demo: \(String(cString: strerror(errno)))") }
        unlink(template)
        let bytes = EmbeddedDemo.object
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard n > 0 else { throw Failure("cannot write the demo recording: \(String(cString: strerror(errno)))") }
            offset += n
        }
        return "/proc/self/fd/\(fd)"
    }
}
