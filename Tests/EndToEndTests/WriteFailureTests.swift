import ArptopCore
import Foundation
import Testing

/// A file arptop cannot write (a full disk) never ends a run: counting goes on, the failure is
/// said once, the summary is still written, and the exit status says what is missing.
@Suite("files that cannot be written",
       .enabled(if: Prerequisite.runs(Prerequisite.kernel), "needs root and a probe that attaches on this kernel"))
struct WriteFailureTests {
    @Test("--summary --record /dev/full: the summary is written, ENOSPC said once, exit 1")
    func recordOnAFullDevice() throws {
        try Prerequisite.require(Prerequisite.kernel)
        let r = try runDirect(ArptopBinary.path, ["--summary", "--duration", "1.5", "--refresh", "0.2", "--record", "/dev/full"])
        #expect(r.status == 1, "exit status (stderr: \(r.stderr))")
        #expect(r.stdout.contains("fib_lookup  "), "no summary:\n\(r.stdout)")
        let full = r.stderrLines.filter { $0.contains("writing recording /dev/full failed: No space left on device") }
        #expect(full.count == 1, "want the failure once:\n\(r.stderr)")
        #expect(r.stderrLines.last?.hasPrefix("arptop: recording /dev/full is incomplete: No space left on device") == true, "\(r.stderr)")
    }

    @Test("--json --prometheus-textfile that cannot be renamed into place: summary record written, said once, exit 1")
    func prometheusCannotBeWritten() throws {
        try Prerequisite.require(Prerequisite.kernel)
        let scratch = try ScratchDirectory()
        // A directory where the file should be: every rename fails (EISDIR), even for root.
        let prom = scratch.url.appendingPathComponent("arptop.prom")
        try FileManager.default.createDirectory(at: prom, withIntermediateDirectories: true)
        let r = try runDirect(ArptopBinary.path, ["--json", "--duration", "1.5", "--refresh", "0.2", "--prometheus-textfile", prom.path])
        #expect(r.status == 1, "exit status (stderr: \(r.stderr))")
        let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("{\"type\":\"summary\""), "the summary is missing:\n\(r.stdout.suffix(300))")
        let said = r.stderrLines.filter { $0.contains("retrying every refresh") }
        #expect(said.count == 1, "want the failure once while running:\n\(r.stderr)")
        #expect(r.stderrLines.last?.contains("cannot rename") == true, "\(r.stderr)")
    }
}
