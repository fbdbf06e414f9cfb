import Foundation

/// The folders arptop still creates files in after attach (a recording's rotation to FILE.1,
/// the Prometheus file's temporary file and rename).
func outputFolders(_ paths: String?...) -> [String] {
    paths.compactMap { $0 }.map { path in
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }
}
