import ArptopCore
import Testing
@testable import ArptopUI

@Suite("ScreenModel from ArptopCore's aggregator and event log")
struct AdapterTests {
    static let va = Fixtures.va, eth0 = Fixtures.eth0, vb = Fixtures.vb

    static var naming: RecordedNaming {
        var n = RecordedNaming()
        n.learn(returnName: "0", for: 0, of: .fibValidateSource)
        n.learn(returnName: "EXDEV", for: -18, of: .fibValidateSource)
        n.learn(returnName: "0", for: 0, of: .fibLookup)
        n.learn(returnName: "EAGAIN", for: -11, of: .fibLookup)
        n.learn(routeTypeName: "RTN_LOCAL", for: 2)
        n.learn(returnName: "0", for: 0, of: .arpProcess)
        return n
    }

    static func key(_ f: KernelFunction, _ id: InterfaceID, _ name: String, _ ret: Int32, _ rt: UInt32 = 0) -> CountKey {
        CountKey(function: f, interface: id, ifname: name, ret: ret, routeType: rt)
    }

    static func aggregator(filter: InterfaceFilter = .all) -> Aggregator {
        var a = Aggregator(naming: naming)
        a.interfaceFilter = filter
        var stats = StreamStats()
        a.ingest(AggregateSnapshot(monotonicNs: 1_000_000_000, counts: [
            key(.fibValidateSource, va, "va", 0): 10, key(.fibValidateSource, va, "va", -18): 4,
            key(.fibLookup, va, "va", 0, 2): 20, key(.fibLookup, eth0, "eth0", -11): 3,
            key(.arpProcess, vb, "vb", 0): 5,
        ], stats: stats))
        stats.dropped = 2
        stats.sampled = 7
        a.ingest(AggregateSnapshot(monotonicNs: 2_000_000_000, counts: [
            key(.fibValidateSource, va, "va", 0): 12, key(.fibValidateSource, va, "va", -18): 8,
            key(.fibLookup, va, "va", 0, 2): 30, key(.fibLookup, eth0, "eth0", -11): 3,
            key(.arpProcess, vb, "vb", 0): 5,
        ], stats: stats))
        return a
    }

    static var log: EventLog {
        var log = EventLog(capacity: 3)
        log.append(ProbeEvent(timestampNs: 1_500_000_000, function: .arpProcess, cpu: 0, interface: vb, ifname: "vb", ret: 0, arpOp: 1))
        log.append(ProbeEvent(timestampNs: 1_600_000_000, function: .fibLookup, cpu: 1, interface: eth0, ifname: "eth0", ret: -11))
        log.append(ProbeEvent(timestampNs: 1_700_000_000, function: .fibValidateSource, cpu: 1, interface: va, ifname: "va", ret: -18,
                              daddr: IPv4("10.77.0.1")!, saddr: IPv4("10.99.0.7")!))
        log.append(ProbeEvent(timestampNs: 1_800_000_000, function: .fibLookup, cpu: 0, interface: va, ifname: "", ret: 0,
                              routeType: 2, hasRouteType: true))
        return log
    }

    static let source = ScreenSource(
        host: "vm-arp-01", kernelRelease: "6.1.0-18-amd64",
        probes: [
            ProbeStatus(function: .arpProcess, mechanism: .fentry, target: "arp_process", reason: nil),
            ProbeStatus(function: .ipRouteInputSlow, mechanism: nil, target: nil, reason: "fentry: EPERM; kprobe: kernel has no kprobe support"),
            ProbeStatus(function: .fibLookup, mechanism: .tracepoint, target: "fib:fib_table_lookup", reason: nil),
            ProbeStatus(function: .fibValidateSource, mechanism: .kprobe, target: "fib_validate_source", reason: nil),
        ],
        clock: .sinceBoot)

    @Test func countsRatesHistogramsAndLog() throws {
        let m = ScreenModel(aggregator: Self.aggregator(), log: Self.log, source: Self.source, elapsedSeconds: 2)
        #expect(m.header.totalEvents == 12 + 8 + 30 + 3 + 5)
        #expect(m.header.eventsPerSecond == 16)
        let fvs = try #require(m.pane(.fibValidateSource))
        #expect(fvs.totalCalls == 20)
        #expect(fvs.ratePerSecond == 6)
        #expect(fvs.histogram == [HistogramBar(label: "0", count: 12, isError: false), HistogramBar(label: "EXDEV", count: 8, isError: true)])
        #expect(fvs.interfaces == [InterfaceCount(id: Self.va, name: "va", count: 20, errors: 8)])
        let fib = try #require(m.pane(.fibLookup))
        #expect(fib.histogram.map(\.label) == ["RTN_LOCAL", "EAGAIN"])
        let unavailable = try #require(m.pane(.ipRouteInputSlow))
        #expect(!unavailable.status.isAttached)
        #expect(unavailable.totalCalls == 0)
        // The log keeps the 3 newest of 4 events, sequence numbers from the log.
        #expect(m.log.lines.map(\.sequence) == [1, 2, 3])
        #expect(m.log.lines.map(\.returnName) == ["EAGAIN", "EXDEV", "0"])
        #expect(m.log.lines.map(\.isError) == [false, true, false])  // a FIB table miss (EAGAIN) is no error
        #expect(m.log.lines[1].details == "src 10.99.0.7 dst 10.77.0.1 oif 0")
        #expect(m.log.lines[1].time == "boot+1.700s")  // a source without the wall-clock offset
        // The event had no name, but the counts know (netns, ifindex 5) as va.
        #expect(m.log.lines[2].interface == "va")
        #expect(m.log.total == 4)
        #expect(m.log.dropped == 2 && m.log.sampled == 7)
        #expect(m.interfaces.count == 3)
    }

    @Test func filterRestrictsEverythingButThePickerList() throws {
        let m = ScreenModel(aggregator: Self.aggregator(filter: .interfaces([Self.va])), log: Self.log, source: Self.source, elapsedSeconds: 2)
        #expect(m.header.totalEvents == 12 + 8 + 30)
        #expect(m.pane(.fibLookup)?.histogram.map(\.label) == ["RTN_LOCAL"])
        #expect(m.log.lines.map(\.sequence) == [2, 3])
        #expect(Set(m.interfaces.map(\.id)) == [Self.va, Self.eth0, Self.vb])
    }

    @Test func rendersWithoutSurprises() throws {
        let m = ScreenModel(aggregator: Self.aggregator(), log: Self.log, source: Self.source, elapsedSeconds: 2)
        let grid = Renderer.render(UIState(model: m, size: TerminalSize(rows: 40, cols: 120)), glyphs: .unicode)
        try Snapshot.assert(grid, named: "adapter-120x40")
    }
}

@Suite("Log line cache")
struct LogLineCacheTests {
    @Test("a cached build gives the same screen model as an uncached one, refresh after refresh")
    func cachedEqualsUncached() {
        let cache = LogLineCache()
        let first = ScreenModel(aggregator: AdapterTests.aggregator(), log: AdapterTests.log, source: AdapterTests.source,
                                elapsedSeconds: 2, lineCache: cache)
        let again = ScreenModel(aggregator: AdapterTests.aggregator(), log: AdapterTests.log, source: AdapterTests.source,
                                elapsedSeconds: 2, lineCache: cache)
        let plain = ScreenModel(aggregator: AdapterTests.aggregator(), log: AdapterTests.log, source: AdapterTests.source,
                                elapsedSeconds: 2)
        #expect(first == plain)
        #expect(again == plain)
    }

    @Test("refresh after refresh, the incremental lines equal a build from scratch: new events, eviction, clear, filter, names learned")
    func incrementalEqualsFromScratch() {
        let cache = LogLineCache()
        var log = EventLog(capacity: 40)
        let ids = [AdapterTests.va, AdapterTests.eth0, AdapterTests.vb, InterfaceID(netns: 4_026_531_840, ifindex: 9)]
        var aggregator = AdapterTests.aggregator()
        // ifindex 9's events carry no name (as a FIB lookup's may); the counts learn one later.
        var feed = EventFeed(interfaces: [(ids[0], "va"), (ids[1], "eth0"), (ids[2], "vb"), (ids[3], "")], arpEvery: 3)
        func append(_ n: Int) { feed.append(n, to: &log) }
        func check(_ step: String, limit: Int = 15) {
            let cached = ScreenModel(aggregator: aggregator, log: log, source: AdapterTests.source, elapsedSeconds: 2,
                                     maxLogLines: limit, lineCache: cache)
            let plain = ScreenModel(aggregator: aggregator, log: log, source: AdapterTests.source, elapsedSeconds: 2, maxLogLines: limit)
            #expect(cached.log.lines == plain.log.lines, "\(step)")
            #expect(cached.log.packets == plain.log.packets, "\(step)")
        }
        check("empty")
        append(7); check("7 events")
        check("nothing new")
        append(3); check("3 more")
        append(50); check("the log evicted its oldest")
        aggregator.interfaceFilter = .interfaces([AdapterTests.va, ids[3]]); check("filtered")
        append(9); check("filtered, 9 more")
        check("a smaller limit", limit: 4)
        aggregator.interfaceFilter = .all; check("unfiltered again")
        append(4); check("4 more")
        aggregator.ingest(AggregateSnapshot(monotonicNs: 3_000_000_000, counts: [
            AdapterTests.key(.fibLookup, ids[3], "eth9", 0): 1,
        ], stats: StreamStats()))
        check("ifindex 9 named by the counts")
        #expect(ScreenModel(aggregator: aggregator, log: log, source: AdapterTests.source, elapsedSeconds: 2, lineCache: cache)
            .log.lines.contains { $0.interface == "eth9" })
        log.clear(); check("cleared")
        append(5); check("after the clear")
    }

    @Test("thousands of lines: the incremental lines and packets equal a build from scratch as the log turns over")
    func incrementalOverManyChunks() {
        let cache = LogLineCache()
        var log = EventLog(capacity: 2_000)
        let aggregator = AdapterTests.aggregator()
        var feed = EventFeed(interfaces: [(AdapterTests.va, "va")], arpEvery: 3)
        func append(_ n: Int) { feed.append(n, to: &log) }
        func check(_ step: String) {
            let cached = ScreenModel(aggregator: aggregator, log: log, source: AdapterTests.source, elapsedSeconds: 2,
                                     maxLogLines: 1_500, lineCache: cache)
            let plain = ScreenModel(aggregator: aggregator, log: log, source: AdapterTests.source, elapsedSeconds: 2, maxLogLines: 1_500)
            #expect(cached.log.lines.map(\.sequence) == plain.log.lines.map(\.sequence), "\(step)")
            #expect(cached.log.lines == plain.log.lines, "\(step)")
            #expect(cached.log.packets == plain.log.packets, "\(step)")
        }
        append(1_000); check("1,000 lines")
        for round in 0..<8 { append(377); check("round \(round): the limit cuts, then the log evicts") }
        log.clear(); check("cleared")
        append(300); check("after the clear")
    }

    @Test("lines formatted yesterday gain their date after midnight")
    func newDayReformats() throws {
        let cache = LogLineCache()
        var source = AdapterTests.source
        // Events at monotonic 1.6-1.8 s are 23:59:59.6-.8 on Dec 2 (UTC); now is first 23:59:59.9, then 00:00:00.5.
        let boot = 1_796_256_000 * Int64(1_000_000_000) - 2_000_000_000  // 2026-12-03 00:00:00 UTC - 2 s
        source.clock = EventClock(realtimeOffsetNs: boot, zone: .utcOffset(seconds: 0), now: .realtime(ns: boot + 1_900_000_000))
        let before = ScreenModel(aggregator: AdapterTests.aggregator(), log: AdapterTests.log, source: source, elapsedSeconds: 2, lineCache: cache)
        #expect(before.log.lines.map(\.time) == ["23:59:59.600", "23:59:59.700", "23:59:59.800"])
        source.clock.now = .realtime(ns: boot + 2_500_000_000)
        let after = ScreenModel(aggregator: AdapterTests.aggregator(), log: AdapterTests.log, source: source, elapsedSeconds: 2, lineCache: cache)
        #expect(after.log.lines.map(\.time) == ["2026-12-02 23:59:59.600", "2026-12-02 23:59:59.700", "2026-12-02 23:59:59.800"])
    }
}

extension AdapterTests {
    @Test("after c the interfaces stay listed: the header names a filtered one, the picker offers them all")
    func clearKeepsInterfaces() {
        var a = Self.aggregator(filter: .interfaces([Self.va]))
        a.clear()
        var log = Self.log
        log.clear()
        let m = ScreenModel(aggregator: a, log: log, source: Self.source, elapsedSeconds: 2)
        #expect(Set(m.interfaces.map(\.id)) == [Self.va, Self.eth0, Self.vb])
        #expect(m.interfaces.allSatisfy { $0.count == 0 })
        #expect(m.header.totalEvents == 0)
        #expect(m.header.eventsPerSecond == 0, "a rate beside no calls")
        #expect(m.panes.allSatisfy { $0.ratePerSecond == 0 && $0.totalCalls == 0 })
        let state = UIState(model: m.filtered(.interfaces([Self.va])), size: TerminalSize(rows: 48, cols: 160))
        let grid = Renderer.render(state, glyphs: .unicode)
        #expect(grid.line(1).hasSuffix("interfaces va"), "\(grid.line(1))")
        var picking = state
        _ = picking.handle(.character("i"))
        let picker = Renderer.render(picking, glyphs: .unicode)
        #expect(!picker.text.contains("no interfaces seen yet"))
        #expect(picker.text.contains("[x] va "), "\(picker.text)")
    }
}

@Suite("Network namespaces on screen")
struct NamespaceScreenTests {
    static let vb = Fixtures.vb

    static func aggregator() -> Aggregator {
        var a = Aggregator(naming: AdapterTests.naming)
        a.ingest(AggregateSnapshot(monotonicNs: 1_000_000_000, counts: [
            AdapterTests.key(.arpProcess, Fixtures.va, "va", 0): 4,
            AdapterTests.key(.arpProcess, vb, "vb", 0): 5,
            AdapterTests.key(.fibLookup, InterfaceID(netns: Fixtures.testNS, ifindex: 0), "", -11): 1,
        ], stats: StreamStats()))
        return a
    }

    static var log: EventLog {
        var log = EventLog(capacity: 10)
        log.append(ProbeEvent(timestampNs: 1_500_000_000, function: .arpProcess, cpu: 0, interface: Fixtures.va, ifname: "va", ret: 0, arpOp: 1))
        log.append(ProbeEvent(timestampNs: 1_600_000_000, function: .arpProcess, cpu: 0, interface: vb, ifname: "vb", ret: 0, arpOp: 2))
        log.append(ProbeEvent(timestampNs: 1_700_000_000, function: .fibLookup, cpu: 0,
                              interface: InterfaceID(netns: Fixtures.testNS, ifindex: 0), ifname: "", ret: -11))
        return log
    }

    static func source(_ names: NamespaceNames) -> ScreenSource {
        var s = AdapterTests.source
        s.namespaces = names
        return s
    }

    @Test("the log, the picker and the zoom spell an interface the same way, namespace included")
    func oneSpellingEverywhere() throws {
        let m = ScreenModel(aggregator: Self.aggregator(), log: Self.log, source: Self.source(Fixtures.namespaces), elapsedSeconds: 1)
        // The reply received in t1 does not read as this box's.
        #expect(m.log.lines.map(\.interface) == ["va", "vb@t1", "-@t1"])
        var state = UIState(model: m, size: TerminalSize(rows: 40, cols: 120))
        _ = state.handle(.character("i"))
        let picker = Renderer.render(state, glyphs: .unicode).text
        for label in ["va ", "vb@t1 ", "-@t1 "] { #expect(picker.contains("[ ] \(label)"), "\(label)\n\(picker)") }
        #expect(!picker.contains("if0"), "one spelling for no interface: -")
        var zoom = UIState(model: m, size: TerminalSize(rows: 40, cols: 120))
        _ = zoom.handle(.character("1"))
        _ = zoom.handle(.enter)
        #expect(Renderer.render(zoom, glyphs: .unicode).text.contains("vb@t1"))
    }

    @Test("an unnamed namespace shows its inode; a name learned later reaches lines already cached")
    func namesLearnedLaterReachCachedLines() {
        let cache = LogLineCache()
        let before = ScreenModel(aggregator: Self.aggregator(), log: Self.log, source: Self.source(NamespaceNames()),
                                 elapsedSeconds: 1, lineCache: cache)
        #expect(before.log.lines[1].interface == "vb@4026532281")
        let after = ScreenModel(aggregator: Self.aggregator(), log: Self.log, source: Self.source(Fixtures.namespaces),
                                elapsedSeconds: 1, lineCache: cache)
        #expect(after.log.lines[1].interface == "vb@t1")
        #expect(after.log.packets.map(\.interface) == ["va", "vb@t1"])
    }

    @Test func typingTheNamespaceNameFiltersThePicker() {
        let m = ScreenModel(aggregator: Self.aggregator(), log: Self.log, source: Self.source(Fixtures.namespaces), elapsedSeconds: 1)
        let p = PickerState(interfaces: m.interfaces, filter: .all)
        var typed = p
        typed.filterText = "@t1"
        #expect(Set(typed.rows(in: m.interfaces, namespaces: m.namespaces).map(\.id))
            == [Self.vb, InterfaceID(netns: Fixtures.testNS, ifindex: 0)])
    }
}
