import ArptopCore
import Testing
@testable import ArptopUI

@Suite("Verdicts from ArptopCore's aggregator, event log and top unanswered")
struct VerdictAdapterTests {
    @Test("per interface: exact counts since the clear, rates from the aggregator, most unanswered first, names as the picker")
    func interfaces() throws {
        let m = VerdictFixtures.model()
        let v = m.verdicts
        #expect(v.unavailable == nil)
        #expect(v.interfaces.map(\.label) == ["va", "eth0@t1", "vc", "eth0"])
        let vc = try #require(v.interfaces.first { $0.label == "vc" })
        #expect(vc.rows == [VerdictCount(verdict: .rpFilter, reasonName: "IP_RPFILTER", count: 12, ratePerSecond: 4),
                            VerdictCount(verdict: .replied, count: 3, ratePerSecond: 0)])
        #expect(vc.packets == 15 && vc.unanswered == 12 && vc.ratePerSecond == 4)
        #expect(v.packets == 48_591 && v.unanswered == 1_038)
        #expect(v.unansweredCounted == 1_038)
        #expect(v.unansweredLogged == 28)
        #expect(v.unansweredNotLogged == 1_010)
        // After a clear: counts restart, rates too; the table is the caller's (cleared with the log).
        var a = VerdictFixtures.aggregator()
        a.clear()
        let cleared = ScreenModel(aggregator: a, log: EventLog(), source: VerdictFixtures.source, elapsedSeconds: 1,
                                  topUnanswered: TopUnanswered())
        #expect(cleared.verdicts.unavailable == nil && cleared.verdicts.interfaces.isEmpty && cleared.verdicts.top.isEmpty)
    }

    @Test("last seen: with the date when the packet was not today; since boot for a recording without the offset")
    func lastSeenOnAnotherDay() throws {
        let (log, top) = VerdictFixtures.log()
        var source = VerdictFixtures.source
        source.clock.now = .realtime(ns: try #require(source.clock.realtimeOffsetNs) + 86_400 * 1_000_000_000)  // the next day
        let nextDay = ScreenModel(aggregator: VerdictFixtures.aggregator(), log: log, source: source, elapsedSeconds: 1, topUnanswered: top)
        #expect(nextDay.verdicts.top.first?.lastSeen == "2026-12-03 14:12:33")
        var m = VerdictFixtures.model()
        m.verdicts = nextDay.verdicts
        var state = UIState(model: m, size: TerminalSize(rows: 48, cols: 160))
        _ = state.handle(.character("v"))
        let grid = Renderer.render(state, glyphs: .unicode)
        #expect(grid.text.contains(" 12 2026-12-03 14:12:33"), "\(grid.text)")
        #expect(grid.text.contains("latest unanswered (2026-12-03 14:12:33): "), "\(grid.text)")
        source.clock = .sinceBoot
        let old = ScreenModel(aggregator: VerdictFixtures.aggregator(), log: log, source: source, elapsedSeconds: 1, topUnanswered: top)
        #expect(old.verdicts.top.first?.lastSeen.hasPrefix("boot+75") == true)
        #expect(old.verdicts.top.first?.lastSeen.hasSuffix("s") == true)
    }

    @Test("top unanswered rows: addresses, interface, verdict with reason, last seen, the why of the latest packet")
    func topRows() throws {
        let v = VerdictFixtures.model().verdicts
        #expect(v.top.map(\.count) == [12, 6, 5, 5])
        let first = v.top[0]
        #expect(first.target == "10.77.0.1" && first.sender == "10.77.0.50" && first.interface == "vc")
        #expect(first.verdict == "rp_filter (IP_RPFILTER)")
        #expect(first.lastSeen == "14:12:33")
        #expect(first.why == "not answered: rp_filter=1 (strict) on vc: the route back to 10.77.0.50 leaves via va, not vc")
        let ignored = try #require(v.top.first { $0.verdict == "ignored_arp_ignore" })
        #expect(ignored.interface == "eth0@t1")
        #expect(ignored.why == "not answered: arp_ignore=1 on eth0@t1 and 10.88.0.1 is not configured on eth0@t1",
                "the why names the interface as the log does")
        let latest = try #require(v.latest)
        #expect(latest.key == first.key, "the newest unanswered packet of the log is an rp_filter one on vc")
        #expect(m(filter: .names(["va"])).verdicts.latest?.verdict == "not_local")
    }

    func m(filter: InterfaceFilter) -> ScreenModel { VerdictFixtures.model(filter: filter) }

    @Test("unavailable: arp_process not probed (its reason), not attached yet, a recording without verdicts")
    func unavailable() {
        var source = VerdictFixtures.source
        source.probes[0] = ProbeStatus(function: .arpProcess, mechanism: nil, target: nil, reason: nil)
        let waiting = ScreenModel(aggregator: VerdictFixtures.aggregator(), log: EventLog(), source: source, elapsedSeconds: 0)
        #expect(waiting.verdicts.unavailable == "verdicts need arp_process probed: not attached yet")
        source.probes.remove(at: 0)
        let missing = ScreenModel(aggregator: VerdictFixtures.aggregator(), log: EventLog(), source: source, elapsedSeconds: 0)
        #expect(missing.verdicts.unavailable == "verdicts need arp_process probed: not attached yet")
        // The cleared screen keeps saying why.
        var s = UIState(model: waiting, size: TerminalSize(rows: 24, cols: 80))
        _ = s.handle(.character(" "))
        _ = s.handle(.character("c"))
        _ = s.handle(.character("y"))
        #expect(s.displayedModel.verdicts.unavailable == waiting.verdicts.unavailable)
    }

    @Test("packet lines: every arp_process event of the log on the interfaces shown, with op, addresses, verdict, why and chain")
    func packetLines() throws {
        let (log, top) = VerdictFixtures.log()
        let build = { (limit: Int) in
            ScreenModel(aggregator: VerdictFixtures.aggregator(filter: .names(["va"])), log: log, source: VerdictFixtures.source,
                        elapsedSeconds: 1, maxLogLines: limit, topUnanswered: top)
        }
        // The packets among the lines the log keeps (no second pass over the log).
        let few = build(5)
        #expect(Array(few.log.packets) == few.log.lines.filter { $0.function == .arpProcess })
        #expect(few.log.packets.count == 2, "the 5 newest events on va: 2 packets, 3 FIB lookups")
        let m = build(1_000)
        #expect(m.log.packets.count == 12)
        #expect(m.log.packets.allSatisfy { $0.interface == "va" && $0.function == .arpProcess })
        #expect(m.log.packets.map(\.sequence) == m.log.packets.map(\.sequence).sorted())
        let notLocal = try #require(m.log.packets.last { $0.packet?.verdict == "not_local" }?.packet)
        #expect(notLocal == PacketLine(
            op: "request", sender: "10.77.0.2", target: "10.77.0.99", verdict: "not_local", isUnanswered: true,
            why: "not answered: 10.77.0.99 is not a local address, proxy_arp=0",
            chain: ["ip_route_input_slow returned 0", "fib_lookup, route to 10.77.0.99: RTN_UNICAST", "settings on va: forwarding=1 (others 0)"]))
        #expect(notLocal.shortWhy == "10.77.0.99 is not a local address, proxy_arp=0")
        let replied = try #require(m.log.packets.last { $0.packet?.verdict == "replied" }?.packet)
        #expect(!replied.isUnanswered && replied.why == nil)
        #expect(replied.chain == ["ip_route_input_slow returned 0", "fib_lookup, route to 10.77.0.1: RTN_LOCAL", "arp_xmit: reply sent",
                                  "neigh_update: neighbour entry of 10.77.0.2 updated", "settings on va: all 0"])
        // Calls keep their lines; only arp_process lines carry a packet.
        #expect(m.log.lines.allSatisfy { ($0.function == .arpProcess) == ($0.packet != nil) })
    }

    @Test("the chain names every witness and setting the kernel reported")
    func chains() {
        let e = ProbeEvent(timestampNs: 1, function: .arpProcess, cpu: 0, interface: VerdictFixtures.va, ifname: "va", ret: 0,
                           arpOp: 1, senderIP: IPv4("10.77.0.2")!, targetIP: IPv4("10.77.0.9")!)
        var p = PacketVerdict(verdict: .ignoredArpFilter)
        p.facts = [.confirm, .confirmed, .filterRoute, .enqueued, .malformed]
        p.filterIfindex = 0
        p.settings.arpFilter = 1
        p.settings.proxyDelay = 80
        let chain = VerdictsAdapter.chain(p, event: e, interface: "va", naming: VerdictFixtures.naming)
        #expect(chain == ["arp_process: not an Ethernet/IPv4 ARP header", "inet_confirm_addr: 10.77.0.9 found (arp_ignore=0)",
                          "arp_filter: no route back to 10.77.0.2", "pneigh_enqueue: proxy reply delayed (proxy_delay=80)",
                          "settings on va: arp_filter=1 proxy_delay=80 (others 0)"])
        p.filterIfindex = 4
        #expect(VerdictsAdapter.chain(p, event: e, interface: "va", naming: VerdictFixtures.naming)[2]
                == "arp_filter: the route back to 10.77.0.2 leaves by ifindex 4")
        // An event whose entry was not seen has no verdict and says why.
        var missing = e
        missing.missingEntry = true
        let line = VerdictsAdapter.packetLine(missing, interface: "va", naming: VerdictFixtures.naming)
        #expect(line?.verdict == nil && line?.summary == "(entry not seen: attached mid-call)")
        #expect(VerdictsAdapter.packetLine(ProbeEvent(timestampNs: 1, function: .fibLookup, cpu: 0, interface: VerdictFixtures.va,
                                                      ifname: "va", ret: 0), interface: "va", naming: VerdictFixtures.naming) == nil)
    }

    @Test("a cached build equals an uncached one with packets and verdicts")
    func cache() {
        let (log, top) = VerdictFixtures.log()
        let cache = LogLineCache()
        let build = { (c: LogLineCache?) in
            ScreenModel(aggregator: VerdictFixtures.aggregator(), log: log, source: VerdictFixtures.source, elapsedSeconds: 1,
                        lineCache: c, topUnanswered: top)
        }
        let plain = build(nil)
        #expect(build(cache) == plain)
        #expect(build(cache) == plain)
    }
}
