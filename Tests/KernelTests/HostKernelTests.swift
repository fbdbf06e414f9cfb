import Foundation
import Testing

/// The machine's own kernel (6.18, lockdown=integrity, no kprobes, tracing programs
/// refused): only the tracepoint path works. These tests need root.
@Suite("this machine's kernel (tracepoints only)", .serialized, .enabled(if: Environment.isCI || Environment.isRoot))
struct HostKernelTests {
    @Test("running as root (required for the host kernel tests)")
    func root() {
        #expect(Environment.isRoot, "kernel tests need root; under CI=true this is a failure, not a skip")
    }

    @Test("--probes reports the true reason for each unavailable function and attaches the tracepoint")
    func probes() throws {
        let r = try run([ArptopBinary.path, "--probes"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        func line(_ f: String) -> String { lines.first { $0.hasPrefix(f + " ") || $0.hasPrefix(f + ":") } ?? "" }
        let kprobeSupported = FileManager.default.fileExists(atPath: "/sys/bus/event_source/devices/kprobe/type")
        for f in ["arp_process", "ip_route_input_slow", "fib_validate_source"] {
            let l = line(f)
            if !kprobeSupported {
                #expect(l.contains("unavailable"), "\(f): \(l)")
                #expect(l.contains("kprobe"), "the reason names the kprobe failure: \(l)")
                #expect(l.contains("fentry"), "the reason names the fentry failure: \(l)")
            }
        }
        let fib = line("fib_lookup")
        if !kprobeSupported {
            #expect(fib.contains("tracepoint"), "\(fib)")
            #expect(fib.contains("fib:fib_table_lookup"), "\(fib)")
        } else {
            // A kprobe-capable kernel: every function is attached by some mechanism, or says why not.
            for f in ["arp_process", "ip_route_input_slow", "fib_lookup", "fib_validate_source"] {
                let words = line(f).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                #expect(words.count >= 3, "\(f): \(line(f))")
                #expect(["fentry", "kprobe", "tracepoint", "unavailable"].contains(words.dropFirst().first ?? ""), "\(f): \(line(f))")
            }
        }
        #expect(lines.contains { $0.hasPrefix("skipped program runs: ") }, "\(r.stdout)")
        // Verdicts need arp_process: where it cannot be probed the line says so, never a guess.
        let verdicts = line("verdicts")
        if !kprobeSupported {
            #expect(verdicts.contains("unavailable") && verdicts.contains("verdicts need arp_process probed"), "\(verdicts)")
        } else {
            #expect(!verdicts.isEmpty, "\(r.stdout)")
        }
    }

    @Test("fib_lookup counts from the tracepoint match the route lookups generated", .timeLimit(.minutes(5)))
    func tracepointCountsMatch() throws {
        let ns = "arptop-host-\(getpid())"
        try run(["ip", "netns", "add", ns])
        defer { _ = try? run(["ip", "netns", "del", ns]) }
        try run(["ip", "-n", ns, "link", "set", "lo", "up"])
        try run(["ip", "-n", ns, "link", "add", "hx", "type", "veth", "peer", "name", "hy"])
        try run(["ip", "-n", ns, "addr", "add", "10.66.0.1/24", "dev", "hx"])
        try run(["ip", "-n", ns, "link", "set", "hx", "up"])
        try run(["ip", "-n", ns, "link", "set", "hy", "up"])
        let inode = try #require(Int(run(["ip", "netns", "exec", ns, "stat", "-Lc", "%i", "/proc/self/ns/net"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)))

        let p = Process()
        p.executableURL = URL(fileURLWithPath: ArptopBinary.path)
        p.arguments = ["--json"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait for the attached record before generating traffic.
        var buffer = Data()
        let reader = out.fileHandleForReading
        while !String(decoding: buffer, as: UTF8.self).contains("\"type\":\"attached\"") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        #expect(String(decoding: buffer, as: UTF8.self).contains("\"type\":\"attached\""))

        // In a netns without custom rules, `ip route get` does one FIB table lookup.
        let found = 7, missing = 4
        for _ in 0..<found { try run(["ip", "-n", ns, "route", "get", "10.66.0.9"]) }
        for _ in 0..<missing { _ = try run(["ip", "-n", ns, "route", "get", "192.0.2.1"]) }
        usleep(300_000)
        kill(p.processIdentifier, SIGINT)
        buffer.append(reader.readDataToEndOfFile())
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let s = try Summary(ndjson: String(decoding: buffer, as: UTF8.self))
        #expect(s.function("fib_lookup")?["attach"] as? String == "tracepoint" || FileManager.default.fileExists(atPath: "/sys/bus/event_source/devices/kprobe/type"))
        #expect(s.count("fib_lookup", netns: inode, ret: 0) == found)
        #expect(s.count("fib_lookup", netns: inode, returnName: "miss") == missing)
        #expect(s.count("fib_lookup", netns: inode) == found + missing)
    }
}
