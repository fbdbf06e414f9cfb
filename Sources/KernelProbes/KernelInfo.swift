import CLibbpf
import Glibc

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

    /// The version of the libbpf this process runs with, e.g. "1.1.2": major and minor from
    /// the library itself, the patch level from the file name of the mapped shared library
    /// (libbpf.so.1.1.2) when it agrees; just "1.1" when libbpf is linked statically.
    public static func libbpfVersion() -> String {
        let majorMinor = "\(libbpf_major_version()).\(libbpf_minor_version())"
        // FileManager.contents(atPath:) stops after the first page of a /proc file.
        guard let maps = readFileToEnd("/proc/self/maps") else { return majorMinor }
        for line in String(decoding: maps, as: UTF8.self).split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let file = line[slash...].split(separator: "/").last ?? ""
            guard file.hasPrefix("libbpf.so.") else { continue }
            let version = file.dropFirst("libbpf.so.".count)
            if version.hasPrefix(majorMinor + "."), version.split(separator: ".").allSatisfy({ UInt($0) != nil }) {
                return String(version)
            }
        }
        return majorMinor
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
