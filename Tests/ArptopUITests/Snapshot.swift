import Foundation
import Testing
@testable import ArptopUI

/// Golden-file snapshots of rendered screens. Each file holds the text of the grid, then
/// its styles (one letter per cell, see `ColorRole.code`; upper case = reversed).
/// `ARPTOP_RECORD_GOLDEN=1 swift test …` rewrites the files in the source tree.
enum Snapshot {
    static let separator = "--- styles ---"

    static var recording: Bool { ProcessInfo.processInfo.environment["ARPTOP_RECORD_GOLDEN"] == "1" }

    static func sourceDirectory(_ filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    }

    static func render(_ grid: CellGrid) -> String {
        grid.text + "\n" + separator + "\n" + grid.styleText + "\n"
    }

    /// The golden text for `name`: from the source tree when it is there (so a re-record is
    /// seen without a rebuild), else from the test bundle's copy.
    static func golden(_ name: String) -> String? {
        let file = "\(name).txt"
        if let text = try? String(contentsOf: sourceDirectory().appendingPathComponent(file), encoding: .utf8) {
            return text
        }
        guard let dir = Bundle.module.url(forResource: "Golden", withExtension: nil) else { return nil }
        return try? String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
    }

    /// Compare `grid` with the golden file `name`, or record it.
    static func assert(_ grid: CellGrid, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let actual = render(grid)
        if recording && ProcessInfo.processInfo.environment["CI"] == "true" {
            // Recording makes every snapshot pass: never under CI.
            Issue.record("ARPTOP_RECORD_GOLDEN=1 with CI=true: goldens are recorded by hand, never in CI", sourceLocation: sourceLocation)
            return
        }
        if recording {
            let dir = sourceDirectory()
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try actual.write(to: dir.appendingPathComponent("\(name).txt"), atomically: true, encoding: .utf8)
            return
        }
        guard let expected = golden(name) else {
            Issue.record("no golden file Golden/\(name).txt; record it with ARPTOP_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            Issue.record("snapshot \(name) differs (record again with ARPTOP_RECORD_GOLDEN=1 if intended):\n\(lineDiff(expected: expected, actual: actual))",
                         sourceLocation: sourceLocation)
        }
    }

    /// The lines that differ, as `-` expected / `+` actual with 1-based line numbers.
    static func lineDiff(expected: String, actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(e.count, a.count) {
            let el = i < e.count ? String(e[i]) : nil, al = i < a.count ? String(a[i]) : nil
            guard el != al else { continue }
            if let el { out.append(String(format: "%4d -|%@|", i + 1, el)) }
            if let al { out.append(String(format: "%4d +|%@|", i + 1, al)) }
            if out.count > 80 { out.append("…"); break }
        }
        return out.joined(separator: "\n")
    }
}
