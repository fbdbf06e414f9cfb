import ArptopCore
import Foundation
import Testing

/// `timeout -s INT N arptop --json > out` signals arptop and its process group: two SIGINTs at
/// once. They are one request; the summary must be written.
@Suite("stop signals from the real binary",
       .enabled(if: Prerequisite.runs(Prerequisite.kernel), "needs root and a probe that attaches on this kernel"))
struct SignalTests {
    @Test("timeout -s INT: a duplicate SIGINT right after the first still ends with the summary record")
    func timeoutSendsTwoSignals() throws {
        // Loading BPF needs root; the coalescing rule itself is unit-tested (StopRequestsTests).
        try Prerequisite.require(Prerequisite.kernel)
        let scratch = try ScratchDirectory()
        let out = scratch.url.appendingPathComponent("out.ndjson").path
        let null = try Spawn.open("/dev/null", O_RDONLY)
        let outFD = try Spawn.open(out, O_WRONLY | O_CREAT | O_TRUNC)
        let errFD = try Spawn.open(scratch.url.appendingPathComponent("err").path, O_WRONLY | O_CREAT | O_TRUNC)
        let pid = try Spawn.start([ArptopBinary.path, "--json", "--refresh", "0.2"], environment: Spawn.environment,
                                  stdin: null, stdout: outFD, stderr: errFD)
        [null, outFD, errFD].forEach { close($0) }
        // Attached (the first record is out), then SIGINT twice, 50 ms apart: what timeout does
        // (the child, then its process group) when the first is handled before the second arrives.
        let deadline = Date().addingTimeInterval(30)
        while ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").isEmpty, Date() < deadline { usleep(50_000) }
        usleep(300_000)
        kill(pid, SIGINT)
        usleep(50_000)
        kill(pid, SIGINT)
        let status = try Spawn.wait(pid, timeout: 30, what: "arptop --json")
        #expect(status == 0, "a duplicate SIGINT ended arptop at once (status \(status))")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("{\"type\":\"summary\""), "the summary is missing; the output ends with:\n\(text.suffix(400))")
    }
}
