import Testing
@testable import ArptopCore

@Suite("Summary text")
struct SummaryTextTests {
    @Test func goldenTables() {
        #expect(RecordTests.summary().text() == """
            arp_process  (fentry: arp_process)  14 calls
              interface       netns  ifindex  return  route type  count  share
              va         4026531840        3  0       -               5  35.7%
              vb         4026532281        3  0       -               9  64.3%

            ip_route_input_slow  (fentry: ip_route_input_slow)  2 calls
              interface       netns  ifindex  return       route type  count   share
              va         4026531840        3  EXDEV (-18)  -               2  100.0%

            fib_lookup  (fentry: fib_table_lookup)  11 calls
              interface       netns  ifindex  return        route type  count  share
              lo         4026531840        1  0             -               4  36.4%
              va         4026531840        3  EAGAIN (-11)  -               1   9.1%
              va         4026531840        3  0             RTN_LOCAL       6  54.5%

            fib_validate_source  unavailable: fentry: 8 arguments; kprobe: CONFIG_KPROBES is off

            events: 27 logged, 2 dropped, 3 sampled

            """)
    }

    @Test func filteredEmptyAndSingularCases() {
        var a = Aggregator(naming: TestNaming())
        a.interfaceFilter = .interfaces([InterfaceID(netns: rootNetns, ifindex: 4), InterfaceID(netns: rootNetns, ifindex: 0)])
        a.ingest(snapshot(at: 1, [key(.arpProcess, "vb", ifindex: 4): 1, key(.arpProcess, "", ifindex: 0): 2, key(.fibLookup, "va"): 3]))
        let probes = KernelFunction.allCases.map { ProbeStatus(function: $0, mechanism: .kprobe, target: nil, reason: nil) }
        #expect(a.summary(probes: probes).text() == """
            arp_process  (kprobe)  3 calls
              interface       netns  ifindex  return  route type  count  share
              -          4026531840        0  0       -               2  66.7%
              vb         4026531840        4  0       -               1  33.3%

            ip_route_input_slow  (kprobe)  0 calls
              (no calls)

            fib_lookup  (kprobe)  0 calls
              (no calls)

            fib_validate_source  (kprobe)  0 calls
              (no calls)

            events: 0 logged, 0 dropped, 0 sampled

            """)
        a.interfaceFilter = .names(["vb"])
        #expect(a.summary(probes: probes).text().hasPrefix("arp_process  (kprobe)  1 call\n"))
    }

    @Test(arguments: [(UInt64(1), UInt64(3), "33.3%"), (2, 3, "66.7%"), (0, 5, "0.0%"), (5, 5, "100.0%"), (1, 0, "-"), (1, 2000, "0.1%"), (1, 2001, "0.0%")])
    func percent(count: UInt64, total: UInt64, expected: String) {
        #expect(SummaryRecord.percent(count, of: total) == expected)
    }

    @Test func tableColumnsAlign() {
        let lines = SummaryRecord.table([["a", "1"], ["long", "1000"]], rightAligned: [false, true])
        #expect(lines == ["a        1", "long  1000"])
    }
}
