import Testing
@testable import ArptopCore

@Suite("Top unanswered")
struct TopUnansweredTests {
    static let vc = InterfaceID(netns: rootNetns, ifindex: 7)
    static let vb = InterfaceID(netns: otherNetns, ifindex: 3)

    /// An arp_process event for `target` from `sender` with verdict `v` at `seconds`.
    static func packet(_ target: String, from sender: String, on id: InterfaceID = vc, name: String = "vc",
                       _ v: ArpVerdict? = .rpFilter, reason: Int32 = 0, at seconds: UInt64) -> ProbeEvent {
        ProbeEvent(timestampNs: seconds * 1_000_000_000, function: .arpProcess, cpu: 0, interface: id, ifname: name, ret: 0,
                   arpOp: 1, senderIP: IPv4(sender)!, targetIP: IPv4(target)!,
                   packet: v.map { var p = PacketVerdict(verdict: $0); p.reason = reason; return p })
    }

    @Test("counts unanswered packets per (target, sender, interface, verdict, reason), busiest first")
    func groupsAndOrders() throws {
        var top = TopUnanswered()
        for s in UInt64(1)...3 {
            let counted = top.add(Self.packet("10.77.0.1", from: "10.77.0.50", at: s), sequence: s)
            #expect(counted)
        }
        top.add(Self.packet("10.77.0.99", from: "10.77.0.2", .notLocal, at: 4))
        top.add(Self.packet("10.77.0.1", from: "10.77.0.51", at: 5))
        top.add(Self.packet("10.77.0.1", from: "10.77.0.51", at: 6))
        // The same pair on another interface (same ifindex elsewhere is another interface too).
        top.add(Self.packet("10.77.0.1", from: "10.77.0.50", on: Self.vb, name: "vb", at: 7))
        // A route error with another reason is another row.
        top.add(Self.packet("10.77.0.1", from: "10.77.0.50", .routeError, reason: -22, at: 8))
        top.add(Self.packet("10.77.0.1", from: "10.77.0.50", .routeError, reason: -113, at: 9))
        let rows = top.top(10)
        #expect(rows.map(\.count) == [3, 2, 1, 1, 1, 1])
        #expect(rows[0].key == UnansweredKey(target: IPv4("10.77.0.1")!, sender: IPv4("10.77.0.50")!, interface: Self.vc, verdict: .rpFilter))
        #expect(rows[0].firstSeenNs == 1_000_000_000 && rows[0].lastSeenNs == 3_000_000_000)
        #expect(rows[0].latestSequence == 3)
        #expect(rows[0].latest.timestampNs == 3_000_000_000)
        // Equal counts: the most recently seen first.
        #expect(rows[2...].map { $0.lastSeenNs / 1_000_000_000 } == [9, 8, 7, 4])
        #expect(top.top(2).count == 2)
        #expect(top.top(0).isEmpty)
        #expect(top.packets() == 9)
    }

    @Test("answered packets, packets without a verdict and other functions are not counted")
    func ignoresTheRest() {
        var top = TopUnanswered()
        let ignored = [
            Self.packet("10.77.0.1", from: "10.77.0.2", .replied, at: 1),
            Self.packet("10.77.0.1", from: "10.77.0.2", .proxyQueued, at: 1),
            Self.packet("10.77.0.1", from: "10.77.0.2", nil, at: 1),  // an old recording
            ProbeEvent(timestampNs: 1, function: .fibValidateSource, cpu: 0, interface: Self.vc, ifname: "vc", ret: -18),
        ]
        for e in ignored {
            let counted = top.add(e)
            #expect(!counted)
        }
        let counted = top.add(Self.packet("10.77.0.1", from: "10.77.0.2", .ignoredArpIgnore, at: 2))
        #expect(counted)
        #expect(top.entries.count == 1)
        #expect(top.packets() == 1)
    }

    @Test("memory is bounded: a new key evicts the smallest, then the least recently seen")
    func boundedEviction() {
        var top = TopUnanswered(capacity: 3)
        top.add(Self.packet("10.0.0.1", from: "10.0.1.1", at: 1))
        top.add(Self.packet("10.0.0.1", from: "10.0.1.1", at: 2))  // count 2
        top.add(Self.packet("10.0.0.2", from: "10.0.1.1", at: 3))  // count 1, older
        top.add(Self.packet("10.0.0.3", from: "10.0.1.1", at: 4))  // count 1, newer
        top.add(Self.packet("10.0.0.4", from: "10.0.1.1", at: 5))  // evicts 10.0.0.2
        #expect(top.entries.count == 3)
        #expect(Set(top.entries.keys.map(\.target.description)) == ["10.0.0.1", "10.0.0.3", "10.0.0.4"])
        #expect(top.evictedKeys == 1 && top.evictedPackets == 1)
        // Evicted packets still count as logged (the sample's size does not shrink).
        #expect(top.packets() == 5)
        // A flood of distinct keys never grows the table.
        for i in 0..<1_000 { top.add(Self.packet("10.1.\(i / 256).\(i % 256)", from: "10.0.1.1", at: 10 + UInt64(i))) }
        #expect(top.entries.count == 3)
        #expect(top.top(10).first?.key.target.description == "10.0.0.1", "the busiest key stays")
        #expect(top.evictedKeys == 1_001)
    }

    @Test("the interface filter applies to the rows, the latest packet and the logged count")
    func filtered() throws {
        var top = TopUnanswered()
        top.add(Self.packet("10.77.0.1", from: "10.77.0.50", at: 1))
        top.add(Self.packet("10.88.0.1", from: "10.88.0.7", on: Self.vb, name: "vb", .ignoredArpIgnore, at: 2))
        let onVc = InterfaceFilter.interfaces([Self.vc])
        #expect(top.top(10, filter: onVc).map(\.key.interface) == [Self.vc])
        #expect(try #require(top.latest()).key.interface == Self.vb)
        #expect(try #require(top.latest(filter: onVc)).key.interface == Self.vc)
        #expect(top.latest(filter: .names(["eth9"])) == nil)
        #expect(top.packets(filter: onVc) == 1)
        #expect(top.packets(filter: .interfaces([Self.vb])) == 1)
        top.clear()
        #expect(top.entries.isEmpty && top.packets() == 0 && top.latest() == nil)
    }

    @Test("a packet that arrives late does not replace the latest one")
    func outOfOrder() throws {
        var top = TopUnanswered()
        top.add(Self.packet("10.77.0.1", from: "10.77.0.50", at: 5), sequence: 1)
        top.add(Self.packet("10.77.0.1", from: "10.77.0.50", at: 3), sequence: 2)
        let e = try #require(top.top(1).first)
        #expect(e.count == 2 && e.firstSeenNs == 3_000_000_000 && e.lastSeenNs == 5_000_000_000 && e.latestSequence == 1)
    }
}

@Suite("Verdict rates")
struct VerdictRateTests {
    static func verdicts(_ replied: UInt64, _ rp: UInt64, other: UInt64 = 0) -> [VerdictKey: UInt64] {
        [VerdictKey(interface: va, ifname: "va", verdict: .replied): replied,
         VerdictKey(interface: va, ifname: "va", verdict: .rpFilter, reason: -18): rp,
         VerdictKey(interface: InterfaceID(netns: otherNetns, ifindex: 3), ifname: "vb", verdict: .notLocal): other]
    }

    static func snap(_ seconds: Double, _ v: [VerdictKey: UInt64]) -> AggregateSnapshot {
        var s = snapshot(at: seconds, [key(.arpProcess, "va"): 1, key(.arpProcess, "vb", netns: otherNetns): 1])
        s.verdicts = v
        return s
    }

    @Test("packets per second per verdict between the last two snapshots, through the filter and the clear")
    func rates() {
        var a = Aggregator(naming: TestNaming())
        a.ingest(Self.snap(10, Self.verdicts(100, 4, other: 1)))
        #expect(a.verdictRates().isEmpty, "no rate before the second snapshot")
        a.ingest(Self.snap(12, Self.verdicts(140, 10, other: 5)))
        let rates = a.verdictRates()
        #expect(rates[VerdictKey(interface: va, ifname: "va", verdict: .replied)] == 20)
        #expect(rates[VerdictKey(interface: va, ifname: "va", verdict: .rpFilter, reason: -18)] == 3)
        #expect(rates.count == 3)
        a.interfaceFilter = .names(["va"])
        #expect(a.verdictRates().count == 2)
        a.clear()
        #expect(a.verdictRates().isEmpty, "no rate beside a count of zero after a clear")
        a.ingest(Self.snap(13, Self.verdicts(141, 10, other: 5)))
        #expect(a.verdictRates() == [VerdictKey(interface: va, ifname: "va", verdict: .replied): 1])
        // A counter that went backwards (a new run) is no negative rate.
        a.ingest(Self.snap(14, Self.verdicts(1, 0)))
        #expect(a.verdictRates().isEmpty)
    }
}
