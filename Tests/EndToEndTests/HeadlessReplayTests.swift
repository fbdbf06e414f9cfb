import ArptopCore
import Foundation
import Testing

/// `arptop --replay FILE` with `--summary`, `--json`, `-i` and `--prometheus-textfile`: a
/// recording analysed without a terminal. Every expected number comes from `LabRecording`.
@Suite("headless replay")
struct HeadlessReplayTests {
    static let lab = LabRecording()

    /// The committed fixture (the same text as `LabRecording` generates; CommandLineTests checks that).
    static var fixture: String {
        get throws {
            try #require(Bundle.module.resourceURL?.appendingPathComponent("Fixtures/lab-debian12.ndjson")).path
        }
    }

    /// The summary's numbers as the screen numbers of `LabRecording`.
    static func numbers(_ summary: SummaryRecord) -> LabRecording.ScreenNumbers {
        var s = LabRecording.ScreenNumbers()
        for f in summary.functions {
            var pane = LabRecording.PaneNumbers(calls: f.calls)
            for row in f.rows { pane.bars[row.routeTypeName ?? row.returnName, default: 0] += row.count }
            s.panes[f.function] = pane
        }
        return s
    }

    /// Reads the records of `text` (NDJSON) with the recording reader.
    static func records(_ text: String) throws -> [Record] {
        let scratch = try ScratchDirectory()
        let reader = try RecordingReader(path: try scratch.write("out.ndjson", text))
        var out: [Record] = []
        while let r = try reader.next() { out.append(r.record) }
        return out
    }

    @Test("--json of a recording with the wall-clock offset: the offset passes through, each event carries its UTC time")
    func wallClockTime() throws {
        let text = try String(contentsOfFile: try Self.fixture, encoding: .utf8)
        let offset: Int64 = 1_796_281_920 * 1_000_000_000  // booted 2026-12-03 07:12:00 UTC
        let kernel = #""kernel":"6.1.0-28-amd64","#
        let at = try #require(text.range(of: kernel))
        let scratch = try ScratchDirectory()
        let path = try scratch.write("clock.ndjson", text.replacingCharacters(in: at, with: kernel + #""realtime_offset_ns":\#(offset),"#))
        let r = try runDirect(ArptopBinary.path, ["--replay", path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first?.contains(#""realtime_offset_ns":\#(offset),"#) == true)
        let events = lines.filter { $0.hasPrefix(#"{"type":"event""#) }
        #expect(!events.isEmpty)
        for line in events {
            let m = try #require(line.firstMatch(of: #/^\{"type":"event","time_ns":([0-9]+),"time":"([^"]+)","cpu"/#), "\(line)")
            let ns = try #require(UInt64(m.1))
            #expect(String(m.2) == EventTimes.utcISO8601(ns, realtimeOffsetNs: offset))
        }
        // The fixture has no offset (an older recording): no wall-clock field is invented.
        let plain = try runDirect(ArptopBinary.path, ["--replay", try Self.fixture, "--json"])
        #expect(!plain.stdout.contains(#""time":"#))
    }

    @Test("--json: the summary has the recording's exact final counts; events and snapshots pass through",
          arguments: [nil, "vc"] as [String?])
    func json(interface: String?) throws {
        let args = ["--replay", try Self.fixture, "--json"] + (interface.map { ["-i", $0] } ?? [])
        let r = try runDirect(ArptopBinary.path, args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        let records = try Self.records(r.stdout)
        guard case .attached(let attached) = records.first, case .summary(let summary) = records.last else {
            Issue.record("want attached first and summary last:\n\(r.stdout.prefix(500))")
            return
        }
        #expect(attached.kernel == "6.1.0-28-amd64")
        #expect(attached.rootNetns == LabRecording.initNetns)
        #expect(records.contains(.netns(NetnsRecord(netns: LabRecording.peerNetns, name: LabRecording.peerNetnsName))),
                "the namespace names pass through")
        let names = interface.map { Set([$0]) }
        let expected = Self.lab.finalNumbers(interfaces: names)
        #expect(Self.numbers(summary) == expected)
        #expect(expected.total > 0)
        // Every event of the recording on the interfaces asked for, and no other.
        let allEvents = try Self.records(Self.lab.text).compactMap { rec -> ProbeEvent? in
            if case .event(let e) = rec { return e.event } else { return nil }
        }
        let want = allEvents.filter { interface == nil || $0.ifname == interface }
        let got = records.compactMap { rec -> ProbeEvent? in if case .event(let e) = rec { return e.event } else { return nil } }
        #expect(got == want)
        #expect(summary.eventsLogged == UInt64(want.count))
        let snapshots = records.filter { if case .snapshot = $0 { true } else { false } }
        #expect(snapshots.count == Self.lab.snapshotNumbers().count)
    }

    @Test("--summary -i vc: readable tables with vc's exact counts only")
    func summaryText() throws {
        let r = try runDirect(ArptopBinary.path, ["--replay", try Self.fixture, "--summary", "-i", "vc"])
        #expect(r.status == 0, "\(r.stderr)")
        let expected = Self.lab.finalNumbers(interfaces: ["vc"])
        for f in KernelFunction.allCases {
            let calls = expected.panes[f]?.calls ?? 0
            let header = r.stdout.split(separator: "\n").first { $0.hasPrefix(f.name + "  ") }
            #expect(header?.hasSuffix("  \(calls) \(calls == 1 ? "call" : "calls")") == true, "\(f.name): \(header ?? "none")\n\(r.stdout)")
        }
        let exdev = try #require(expected.panes[.fibValidateSource]?.bars["EXDEV"])
        #expect(r.stdout.contains(" vc "))
        #expect(!r.stdout.contains(" va "), "\(r.stdout)")
        #expect(r.stdout.split(separator: "\n").contains { $0.contains("EXDEV (-18)") && $0.contains(" \(exdev) ") }, "\(r.stdout)")
    }

    @Test("--prometheus-textfile: the final counts, probes shown detached")
    func prometheus() throws {
        let scratch = try ScratchDirectory()
        let prom = scratch.url.appendingPathComponent("arptop.prom").path
        let r = try runDirect(ArptopBinary.path, ["--replay", try Self.fixture, "--summary", "--prometheus-textfile", prom])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: prom, encoding: .utf8)
        let expected = Self.lab.finalNumbers()
        var sum: [KernelFunction: UInt64] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("arptop_calls_total{") {
            guard let m = line.firstMatch(of: #/function="([a-z_]+)".* ([0-9]+)$/#), let f = KernelFunction(name: String(m.1)) else { continue }
            sum[f, default: 0] += UInt64(m.2)!
        }
        for f in KernelFunction.allCases { #expect(sum[f, default: 0] == expected.panes[f]?.calls ?? 0, "\(f.name)\n\(text)") }
        #expect(text.contains("arptop_probe_attached{function=\"arp_process\",mechanism=\"fentry\"} 0"), "\(text)")
    }

    @Test("-i naming an interface the recording lacks: a warning, not silence")
    func missingInterfaceWarns() throws {
        let r = try runDirect(ArptopBinary.path, ["--replay", try Self.fixture, "--summary", "-i", "eth3"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderrLines == ["arptop: warning: recording \(try Self.fixture) has no interface named 'eth3' (it has va, vb, vc)"])
    }
}
