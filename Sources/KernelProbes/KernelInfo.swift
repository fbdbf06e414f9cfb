import Foundation

/// Facts about the running kernel and machine, for headers and recordings.
public enum KernelInfo {
    /// The kernel release (`uname -r`), e.g. "6.1.0-56-amd64".
    public static func release() -> String {
        utsField { $0.release }
    }

    /// The host name (`uname -n`).
    public static func hostname() -> String {
        utsField { $0.nodename }
    }

    private static func utsField<T>(_ field: (utsname) -> T) -> String {
        var u = utsname()
        guard uname(&u) == 0 else { return "unknown" }
        var value = field(u)
        return withUnsafeBytes(of: &value) { raw in
            let bytes = raw.prefix(while: { $0 != 0 })
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
