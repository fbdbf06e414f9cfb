import Testing
@testable import ArptopCore

/// Verdicts through the pure-Swift layers: counts (clear, filter), the NDJSON records both
/// ways, the text summary, Prometheus, and the one-line why.
@Suite("ARP verdicts")
struct VerdictTests {
    let vc = InterfaceID(netns: rootNetns, ifindex: 5)
    let va = InterfaceID(netns: rootNetns, ifindex: 3)

    func verdictSnapshot(at seconds: Double, _ rows: [(InterfaceID, String, ArpVerdict, Int32, UInt64)]) -> AggregateSnapshot {
        var verdicts: [VerdictKey: UInt64] = [:]
        for (id, name, verdict, reason, count) in rows {
            verdicts[VerdictKey(interface: id, ifname: name, verdict: verdict, reason: reason)] = count
        }
        return AggregateSnapshot(monotonicNs: UInt64(seconds * 1e9), counts: [:], stats: StreamStats(), verdicts: verdicts)
    }

    @Test("verdict rows are exact since attach, restart at a clear, and honour the interface filter")
    func aggregatorRows() {
        var a = Aggregator(naming: TestNaming())
        a.ingest(verdictSnapshot(at: 1, [(va, "va", .replied, 0, 5), (vc, "vc", .rpFilter, -18, 3)]))
        #expect(a.verdictRows().map(\.count) == [5, 3])
        #expect(a.verdictRows()[1].reasonName == "EXDEV")
        a.clear()
        a.ingest(verdictSnapshot(at: 2, [(va, "va", .replied, 0, 7), (vc, "vc", .rpFilter, -18, 3)]))
        #expect(a.verdictRows().map(\.count) == [2])
        #expect(a.verdictRows(scope: .sinceAttach).map(\.count) == [7, 3])
        a.interfaceFilter = InterfaceFilter(names: ["vc"])
        #expect(a.verdictRows(scope: .sinceAttach).map(\.verdict) == [.rpFilter])
    }

    @Test("snapshot and summary records carry verdicts both ways; old records without them still read")
    func recordsRoundTrip() throws {
        let snap = verdictSnapshot(at: 3, [(va, "va", .dropped, ArpDropReason.gratuitous.rawValue, 4), (vc, "vc", .notLocal, 0, 2)])
        let record = SnapshotRecord(snapshot: snap, naming: TestNaming())
        let line = Record.snapshot(record).jsonLine
        #expect(line.contains(#""verdicts":[{"netns":4026531840,"interface":"va","ifindex":3,"verdict":"dropped","reason":"gratuitous","reason_code":6,"count":4},{"netns":4026531840,"interface":"vc","ifindex":5,"verdict":"not_local","count":2}]"#))
        guard case .snapshot(let back) = try Record(jsonLine: line) else { Issue.record("not a snapshot"); return }
        #expect(back == record)
        #expect(back.aggregateSnapshot.verdicts == snap.verdicts)

        var a = Aggregator(naming: TestNaming())
        a.ingest(snap)
        let summary = a.summary(probes: [])
        let summaryLine = Record.summary(summary).jsonLine
        #expect(summaryLine.contains(#""verdict":"not_local","count":2"#))
        guard case .summary(let s) = try Record(jsonLine: summaryLine) else { Issue.record("not a summary"); return }
        #expect(s.verdicts == summary.verdicts)

        let old = #"{"type":"snapshot","time_ns":1,"counts":[],"stats":{"submitted":0,"dropped":0,"sampled":0,"no_entry":0}}"#
        guard case .snapshot(let o) = try Record(jsonLine: old) else { Issue.record("not a snapshot"); return }
        #expect(o.verdicts.isEmpty)
    }

    @Test("an unknown verdict name in a recording is refused with its field")
    func unknownVerdictName() {
        let line = #"{"type":"snapshot","time_ns":1,"counts":[],"verdicts":[{"netns":1,"interface":"a","ifindex":1,"verdict":"maybe","count":1}],"stats":{"submitted":0,"dropped":0,"sampled":0,"no_entry":0}}"#
        #expect(throws: RecordFormatError.self) { try Record(jsonLine: line) }
    }

    @Test("an arp_process event carries its verdict, settings, reverse route and chain, and reads back")
    func eventRoundTrip() throws {
        var packet = PacketVerdict(verdict: .rpFilter)
        packet.reason = -18
        packet.facts = [.routeInput, .forwardRoute, .validate, .reverseRoute]
        packet.routeReturn = -18
        packet.validateReturn = -18
        packet.forwardRouteType = 2
        packet.forwardIfindex = 5
        packet.reverseIfindex = 3
        packet.reverseIfname = "va"
        packet.settings.rpFilter = 1
        var event = SampleEvents.arpRequest
        event.packet = packet
        let record = EventRecord(event: event, naming: TestNaming())
        let line = record.jsonLine
        #expect(line.contains(#""verdict":"rp_filter","reason":"EXDEV","reason_code":-18"#))
        #expect(line.contains(#""reverse_route":{"ifindex":3,"interface":"va"}"#))
        #expect(line.contains(#"{"function":"fib_lookup","route_type":"RTN_LOCAL"}"#))
        #expect(line.contains(#""chain":[{"function":"ip_route_input_slow","return":-18,"return_name":"EXDEV"},"#))
        #expect(line.contains(#"{"function":"fib_validate_source","return":-18,"return_name":"EXDEV"}"#))
        guard case .event(let back) = try Record(jsonLine: line) else { Issue.record("not an event"); return }
        #expect(back.event.packet == packet)
        #expect(back.reasonName == "EXDEV")
        #expect(back.chainNames == record.chainNames)
    }

    @Test("--summary prints a verdict table with unanswered verdicts marked")
    func summaryText() {
        var a = Aggregator(naming: TestNaming())
        a.ingest(verdictSnapshot(at: 1, [(va, "va", .replied, 0, 3), (vc, "vc", .rpFilter, -18, 1)]))
        let text = a.summary(probes: []).text()
        #expect(text.contains("\nARP verdicts  4 packets\n"))
        let cells = text.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(cells.contains("interface netns ifindex verdict reason count share"))
        #expect(cells.contains("va 4026531840 3 replied - 3 75.0%"))
        #expect(cells.contains("vc 4026531840 5 ! rp_filter EXDEV 1 25.0%"))
    }

    @Test("Prometheus gains arptop_arp_verdicts_total with the reason where there is one")
    func prometheus() {
        var a = Aggregator(naming: TestNaming())
        a.ingest(verdictSnapshot(at: 1, [(va, "va", .replied, 0, 3), (vc, "vc", .rpFilter, -18, 1)]))
        let text = PrometheusText.render(aggregator: a, probes: [], startTime: 0)
        #expect(text.contains(#"arptop_arp_verdicts_total{interface="va",netns="4026531840",ifindex="3",verdict="replied"} 3"#))
        #expect(text.contains(#"arptop_arp_verdicts_total{interface="vc",netns="4026531840",ifindex="5",verdict="rp_filter",reason="EXDEV"} 1"#))
    }

    @Test("the why line names the setting and the route back")
    func why() {
        var p = PacketVerdict(verdict: .rpFilter)
        p.settings.rpFilter = 1
        p.facts = [.reverseRoute]
        p.reverseIfname = "va"
        p.reverseIfindex = 3
        let sender = IPv4("10.77.0.50")!, target = IPv4("10.88.0.1")!
        #expect(p.why(interface: "vc", sender: sender, target: target, naming: TestNaming())
                == "not answered: rp_filter=1 (strict) on vc: the route back to 10.77.0.50 leaves via va, not vc")
        p.facts = []
        #expect(p.why(interface: "vc", sender: sender, target: target, naming: TestNaming())
                == "not answered: rp_filter=1 (strict) on vc: no route back to 10.77.0.50")
        var ignore = PacketVerdict(verdict: .ignoredArpIgnore)
        ignore.settings.arpIgnore = 1
        #expect(ignore.why(interface: "eth3", sender: sender, target: target, naming: TestNaming())
                == "not answered: arp_ignore=1 on eth3 and 10.88.0.1 is not configured on eth3")
        ignore.facts = [.forwardRoute]
        ignore.forwardIfindex = 4
        #expect(ignore.why(interface: "eth3", sender: sender, target: target, naming: TestNaming()) { $0 == 4 ? "eth4" : "" }
                == "not answered: arp_ignore=1 on eth3 and 10.88.0.1 is configured on eth4")
        #expect(PacketVerdict(verdict: .replied).why(interface: "eth3", sender: sender, target: target, naming: TestNaming()) == nil)
    }
}
