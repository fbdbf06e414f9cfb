/// The folders arptop still creates files in after attach (a recording's rotation to FILE.1,
/// the Prometheus file's temporary file and rename).
func outputFolders(_ paths: String?...) -> [String] {
    paths.compactMap { $0 }.map { path in
        let folder = PathName.deletingLastComponent(path)
        return folder.isEmpty ? "." : folder
    }
}

/// Path arithmetic on strings, as NSString's `deletingLastPathComponent` and
/// `lastPathComponent` do it (FoundationEssentials has no NSString): repeated slashes count
/// as one, a trailing slash is ignored, nothing is resolved against the file system.
enum PathName {
    /// "/var/tmp/a.prom" -> "/var/tmp", "a.prom" -> "", "/a" -> "/", "/" -> "/".
    static func deletingLastComponent(_ path: String) -> String {
        let fixed = withoutRedundantSlashes(path)
        if fixed == "/" || fixed.isEmpty { return fixed }
        guard let slash = fixed.lastIndex(of: "/") else { return "" }
        return slash == fixed.startIndex ? "/" : String(fixed[..<slash])
    }

    /// "/var/tmp/a.ndjson" -> "a.ndjson", "dir/" -> "dir", "/" -> "/".
    static func lastComponent(_ path: String) -> String {
        let fixed = withoutRedundantSlashes(path)
        guard fixed.count > 1, let slash = fixed.lastIndex(of: "/") else { return fixed }
        return String(fixed[fixed.index(after: slash)...])
    }

    /// "a//b/" -> "a/b"; "/" stays "/".
    private static func withoutRedundantSlashes(_ path: String) -> String {
        var out = ""
        for c in path where !(c == "/" && out.last == "/") { out.append(c) }
        if out.count > 1 && out.last == "/" { out.removeLast() }
        return out
    }
}
