import SystemPackage

/// The folders arptop still creates files in after attach (a recording's rotation to FILE.1,
/// the Prometheus file's temporary file and rename).
func outputFolders(_ paths: String?...) -> [String] {
    paths.compactMap { $0 }.map(folder(of:))
}

/// The folder a file is created in: "/var/tmp/a.prom" -> "/var/tmp", "a.prom" -> ".",
/// "/a" -> "/" (swift-system's path arithmetic: repeated and trailing slashes count as one).
func folder(of path: String) -> String {
    let folder = FilePath(path).removingLastComponent()
    return folder.isEmpty ? "." : folder.string
}
