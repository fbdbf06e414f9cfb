import Foundation
import Testing
import TestSupport
@testable import ArptopCore

@Suite("Prometheus text exposition")
struct PrometheusTextTests {
    static let probes = [
        ProbeStatus(function: .arpProcess, mechanism: .fentry, target: "arp_process", reason: nil),
        ProbeStatus(function: .ipRouteInputSlow, mechanism: .fentry, target: "ip_route_input_slow", reason: nil),
        ProbeStatus(function: .fibLookup, mechanism: .tracepoint, target: "fib:fib_table_lookup", reason: "fentry: EPERM"),
        ProbeStatus(function: .fibValidateSource, mechanism: nil, target: nil, reason: "fentry: 8 arguments"),
    ]

    static let startTime = 1_715_000_000.125

    /// arp_process on va and vb, an EXDEV, fib_lookup successes with and without a route type.
    static func aggregator() -> Aggregator {
        var a = Aggregator(naming: TestNaming())
        a.ingest(snapshot(at: 1, [
            key(.arpProcess, "va"): 5,
            key(.arpProcess, "vb", netns: otherNetns): 9,
            key(.ipRouteInputSlow, "va", ret: -18): 2,
            key(.fibLookup, "lo", ifindex: 1): 4,
            key(.fibLookup, "va", ret: 0, routeType: 2): 6,
            key(.fibLookup, "va", ret: -11): 1,
        ], stats: stats(submitted: 27, dropped: 2, sampled: 3, noEntry: 1, countFailed: 4)))
        return a
    }

    @Test func golden() {
        let text = PrometheusText.render(aggregator: Self.aggregator(), probes: Self.probes, startTime: Self.startTime)
        #expect(text == """
            # HELP arptop_calls_total Calls of a probed kernel function per network namespace, interface and decoded return value (result), exact, counted in the kernel since the probes attached; fib_lookup successes carry the route type when known.
            # TYPE arptop_calls_total counter
            arptop_calls_total{function="arp_process",interface="va",netns="4026531840",ifindex="3",result="0"} 5
            arptop_calls_total{function="arp_process",interface="vb",netns="4026532281",ifindex="3",result="0"} 9
            arptop_calls_total{function="ip_route_input_slow",interface="va",netns="4026531840",ifindex="3",result="EXDEV"} 2
            arptop_calls_total{function="fib_lookup",interface="lo",netns="4026531840",ifindex="1",result="0"} 4
            arptop_calls_total{function="fib_lookup",interface="va",netns="4026531840",ifindex="3",result="EAGAIN"} 1
            arptop_calls_total{function="fib_lookup",interface="va",netns="4026531840",ifindex="3",result="0",route_type="RTN_LOCAL"} 6
            # HELP arptop_probe_attached 1 while the function is probed with this mechanism; 0 when it is unavailable on this kernel or arptop has exited.
            # TYPE arptop_probe_attached gauge
            arptop_probe_attached{function="arp_process",mechanism="fentry"} 1
            arptop_probe_attached{function="ip_route_input_slow",mechanism="fentry"} 1
            arptop_probe_attached{function="fib_lookup",mechanism="tracepoint"} 1
            arptop_probe_attached{function="fib_validate_source",mechanism="unavailable"} 0
            # HELP arptop_events_submitted_total Event log records the kernel put into the ring buffer (all interfaces).
            # TYPE arptop_events_submitted_total counter
            arptop_events_submitted_total 27
            # HELP arptop_events_dropped_total Event log records lost because the ring buffer was full; their calls are still counted.
            # TYPE arptop_events_dropped_total counter
            arptop_events_dropped_total 2
            # HELP arptop_events_sampled_total Event log records left out by the --log-rate limit; their calls are still counted.
            # TYPE arptop_events_sampled_total counter
            arptop_events_sampled_total 3
            # HELP arptop_calls_uncounted_total Calls that could not be counted because the kernel's count map was full (should stay 0).
            # TYPE arptop_calls_uncounted_total counter
            arptop_calls_uncounted_total 4
            # HELP arptop_program_runs_missed_total Runs of arptop's BPF programs the kernel skipped (another BPF program on that CPU, recursion protection): those calls are in no count.
            # TYPE arptop_program_runs_missed_total counter
            arptop_program_runs_missed_total 0
            # HELP arptop_program_runs_missed_exact 1 when this kernel counts every skipped run (kprobe/tracepoint skips are counted from Linux 6.7, trampoline skips from 5.12); 0 when the counts are lower bounds.
            # TYPE arptop_program_runs_missed_exact gauge
            arptop_program_runs_missed_exact 1
            # HELP arptop_start_time_seconds Unix time when the probes attached: the counters started at 0 then.
            # TYPE arptop_start_time_seconds gauge
            arptop_start_time_seconds 1715000000.125

            """)
    }

    @Test func countsSinceAttachIgnoreClearButHonourTheInterfaceFilter() {
        var a = Self.aggregator()
        a.clear()
        a.ingest(snapshot(at: 2, [key(.arpProcess, "va"): 7, key(.arpProcess, "vb", netns: otherNetns): 9],
                          stats: stats(submitted: 30)))
        a.interfaceFilter = .names(["va"])
        let text = PrometheusText.render(aggregator: a, probes: Self.probes, startTime: Self.startTime)
        let calls = text.split(separator: "\n").filter { $0.hasPrefix("arptop_calls_total{") }
        #expect(calls == [#"arptop_calls_total{function="arp_process",interface="va",netns="4026531840",ifindex="3",result="0"} 7"#])
        #expect(text.contains("\narptop_events_submitted_total 30\n"))
    }

    @Test func afterExitEveryProbeReadsZero() {
        let text = PrometheusText.render(aggregator: Self.aggregator(), probes: Self.probes, startTime: Self.startTime, running: false)
        let attached = text.split(separator: "\n").filter { $0.hasPrefix("arptop_probe_attached{") }
        #expect(attached.count == 4)
        #expect(attached.allSatisfy { $0.hasSuffix(" 0") })
        #expect(attached.first == #"arptop_probe_attached{function="arp_process",mechanism="fentry"} 0"#)
    }

    @Test func labelValuesAreEscaped() {
        #expect(PrometheusText.escapeLabelValue(#"a\b"c"# + "\nd") == #"a\\b\"c\nd"#)
        #expect(PrometheusText.escapeLabelValue("e\r\nf") == #"e"# + "\r" + #"\nf"#)
        #expect(PrometheusText.escapeLabelValue("plain-eth0.10") == "plain-eth0.10")
        #expect(PrometheusText.escapeHelp(#"x\y"z"# + "\n") == #"x\\y"z\n"#)
        let row = CountRow(function: .arpProcess, interface: va, ifname: "we\"ird\\\n", ret: 0, returnName: "0",
                           routeType: 0, routeTypeName: nil, count: 1)
        let text = PrometheusText.render(rows: [row], probes: [], stats: StreamStats(), startTime: 1)
        #expect(text.contains(#"arptop_calls_total{function="arp_process",interface="we\"ird\\\n",netns="4026531840",ifindex="3",result="0"} 1"#))
    }

    @Test func rowsWithTheSameLabelsAreSummedIntoOneSeries() {
        // Two return values that a naming gives the same name, and one interface counted under two names.
        let rows = [
            CountRow(function: .arpProcess, interface: va, ifname: "va", ret: -1, returnName: "E", routeType: 0, routeTypeName: nil, count: 2),
            CountRow(function: .arpProcess, interface: va, ifname: "va", ret: -2, returnName: "E", routeType: 0, routeTypeName: nil, count: 3),
            CountRow(function: .arpProcess, interface: va, ifname: "va", ret: -3, returnName: "F", routeType: 0, routeTypeName: nil, count: .max),
            CountRow(function: .arpProcess, interface: va, ifname: "va", ret: -4, returnName: "F", routeType: 0, routeTypeName: nil, count: 1),
        ]
        let calls = PrometheusText.render(rows: rows, probes: [], stats: StreamStats(), startTime: 1)
            .split(separator: "\n").filter { $0.hasPrefix("arptop_calls_total{") }
        #expect(calls == [
            #"arptop_calls_total{function="arp_process",interface="va",netns="4026531840",ifindex="3",result="E"} 5"#,
            #"arptop_calls_total{function="arp_process",interface="va",netns="4026531840",ifindex="3",result="F"} 18446744073709551615"#,
        ])
    }

    @Test func startTimeIsNeverInExponentNotation() {
        #expect(PrometheusText.seconds(1_715_000_000.125) == "1715000000.125")
        #expect(PrometheusText.seconds(1_715_000_000) == "1715000000.000")
        #expect(PrometheusText.seconds(1e12 + 0.5) == "1000000000000.500")
        #expect(PrometheusText.seconds(0.001) == "0.001")
        #expect(PrometheusText.seconds(.nan) == "0")
    }

    @Test func noRowsStillDescribesEveryFamily() {
        let text = PrometheusText.render(rows: [], probes: [], stats: StreamStats(), startTime: 1)
        #expect(text.hasPrefix("# HELP arptop_calls_total "))
        #expect(text.hasSuffix("arptop_start_time_seconds 1.000\n"))
        #expect(text.components(separatedBy: "# TYPE ").count - 1 == 9)
        #expect(text.contains(#"arptop_probe_attached{function="fib_validate_source",mechanism="unavailable"} 0"#))
    }

    // MARK: A real parser

    /// The output must pass `promtool check metrics` (Prometheus's own parser and linter,
    /// Debian package `prometheus`). Without promtool the test is skipped, except under
    /// CI=true where that is a failure.
    @Test(.enabled(if: Promtool.path != nil || Promtool.isCI, "needs promtool (apt-get install prometheus)"))
    func promtoolAcceptsTheOutput() throws {
        guard let promtool = Promtool.path else {
            Issue.record("promtool not found on PATH (apt-get install prometheus); under CI=true this is a failure, not a skip")
            return
        }
        var rich = Self.aggregator()
        rich.ingest(snapshot(at: 2, [
            key(.arpProcess, "va"): 5,
            key(.arpProcess, "", ifindex: 0): 1,
            key(.arpProcess, "we\"ird\\\nname", ifindex: 9): 2,
            key(.ipRouteInputSlow, "va", ret: 50): 3,
            key(.fibLookup, "va", ret: 0, routeType: 2): 6,
            key(.fibLookup, "va", ret: 0, routeType: 99): 1,
            key(.fibValidateSource, "va", ret: -18): 8,
        ], stats: stats(submitted: .max, dropped: 2)))
        for text in [
            PrometheusText.render(aggregator: Self.aggregator(), probes: Self.probes, startTime: Self.startTime),
            PrometheusText.render(aggregator: rich, probes: Self.probes, startTime: Self.startTime, running: false),
            PrometheusText.render(rows: [], probes: [], stats: StreamStats(), startTime: 0),
        ] {
            let (status, output) = try Promtool.check(text, promtool: promtool)
            #expect(status == 0, "promtool check metrics rejected the output (status \(status)): \(output)\n\(text)")
        }
        // The harness itself notices a rejection: an unescaped quote in a label value.
        let (status, _) = try Promtool.check("# HELP x_total h\n# TYPE x_total counter\nx_total{a=\"\"\"} 1\n", promtool: promtool)
        #expect(status != 0)
    }
}

enum Promtool {
    static var isCI: Bool { CIEnvironment.isCI }

    static var path: String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin"]
        return dirs.map { "\($0)/promtool" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `promtool check metrics` on `text`: its exit status (0 = parsed, no lint problem) and output.
    static func check(_ text: String, promtool: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
