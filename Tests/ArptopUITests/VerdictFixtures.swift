import ArptopCore
@testable import ArptopUI

/// The same host as `Fixtures`, with verdicts, built through the real pipeline (Aggregator,
/// EventLog, TopUnanswered, the adapter): a third veth `vc` with strict rp_filter, whose route
/// back to 10.77.0.50 leaves via `va` (rp_filter refuses); `va` replies to 10.77.0.1 and has
/// nobody for 10.77.0.99 (not_local, proxy_arp=0); `eth0` accepts replies; `eth0` in the test
/// namespace ignores requests for an address it does not have (arp_ignore=1).
enum VerdictFixtures {
    static let vc = InterfaceID(netns: Fixtures.rootNS, ifindex: 7)
    static let va = Fixtures.va, eth0 = Fixtures.eth0, eth0InTest = Fixtures.eth0InTest

    static var naming: RecordedNaming {
        var n = RecordedNaming()
        n.learn(returnName: "0", for: 0, of: .arpProcess)
        n.learn(returnName: "0", for: 0, of: .ipRouteInputSlow)
        n.learn(returnName: "IP_RPFILTER", for: -18, of: .ipRouteInputSlow)
        n.learn(returnName: "0", for: 0, of: .fibValidateSource)
        n.learn(returnName: "IP_RPFILTER", for: -18, of: .fibValidateSource)
        n.learn(routeTypeName: "RTN_UNICAST", for: 1)
        n.learn(routeTypeName: "RTN_LOCAL", for: 2)
        return n
    }

    static let probes = [
        ProbeStatus(function: .arpProcess, mechanism: .fentry, target: "arp_process", reason: nil),
        ProbeStatus(function: .ipRouteInputSlow, mechanism: .fentry, target: "ip_route_input_slow", reason: nil),
        ProbeStatus(function: .fibLookup, mechanism: .fentry, target: "fib_table_lookup", reason: nil),
        ProbeStatus(function: .fibValidateSource, mechanism: .kprobe, target: "fib_validate_source", reason: nil),
    ]

    /// 14:12:34 at monotonic 754 s (UTC viewer, same day).
    static let clock = Fixtures.clock

    static var source: ScreenSource {
        var s = ScreenSource(host: "vm-arp-01", kernelRelease: "6.1.0-18-amd64", probes: probes, clock: clock)
        s.namespaces = Fixtures.namespaces
        return s
    }

    static func verdictKey(_ id: InterfaceID, _ name: String, _ v: ArpVerdict, _ reason: Int32 = 0) -> VerdictKey {
        VerdictKey(interface: id, ifname: name, verdict: v, reason: reason)
    }

    /// Two snapshots a second apart: exact counts, and rates from their difference.
    static func snapshots() -> [AggregateSnapshot] {
        func snapshot(_ t: UInt64, _ scale: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)) -> AggregateSnapshot {
            let (rp, vcReplied, replied, notLocal, accepted, ignored) = scale
            let verdicts: [VerdictKey: UInt64] = [
                verdictKey(vc, "vc", .rpFilter, -18): rp, verdictKey(vc, "vc", .replied): vcReplied,
                verdictKey(va, "va", .replied): replied, verdictKey(va, "va", .notLocal): notLocal,
                verdictKey(eth0, "eth0", .replyAccepted): accepted,
                verdictKey(eth0InTest, "eth0", .ignoredArpIgnore): ignored,
            ]
            var counts: [CountKey: UInt64] = [:]
            for (key, n) in verdicts {
                counts[CountKey(function: .arpProcess, interface: key.interface, ifname: key.ifname, ret: 0, routeType: 0), default: 0] += n
            }
            var stats = StreamStats()
            stats.sampled = 3_871
            stats.dropped = 12
            return AggregateSnapshot(monotonicNs: t, counts: counts, stats: stats, verdicts: verdicts)
        }
        return [snapshot(753_000_000_000, (8, 3, 40_050, 990, 7_440, 20)),
                snapshot(754_000_000_000, (12, 3, 40_100, 1_003, 7_450, 23))]
    }

    static func aggregator(filter: InterfaceFilter = .all) -> Aggregator {
        var a = Aggregator(naming: naming)
        a.interfaceFilter = filter
        for s in snapshots() { a.ingest(s) }
        return a
    }

    static func packet(_ v: ArpVerdict, reason: Int32 = 0, facts: PacketFacts, settings: (inout ArpSettings) -> Void = { _ in },
                       configure: (inout PacketVerdict) -> Void = { _ in }) -> PacketVerdict {
        var p = PacketVerdict(verdict: v)
        p.reason = reason
        p.facts = facts
        settings(&p.settings)
        configure(&p)
        return p
    }

    static let mac: [UInt8] = [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x50]

    /// One ARP packet of each kind, as the kernel logs them.
    static func event(_ kind: Int, at ns: UInt64) -> ProbeEvent {
        func arp(_ id: InterfaceID, _ name: String, op: UInt16 = 1, sender: String, target: String, _ p: PacketVerdict) -> ProbeEvent {
            ProbeEvent(timestampNs: ns, durationNs: 2_100, function: .arpProcess, cpu: UInt32(kind % 2), interface: id, ifname: name,
                       ret: 0, arpOp: op, senderMAC: mac, senderIP: IPv4(sender)!, targetIP: IPv4(target)!,
                       rpFilter: name == "vc" ? 1 : 0, packet: p)
        }
        switch kind {
        case 0, 3, 6:  // vc: strict rp_filter, the route back to 10.77.0.50 leaves via va
            return arp(vc, "vc", sender: kind == 6 ? "10.77.0.51" : "10.77.0.50", target: "10.77.0.1",
                       packet(.rpFilter, reason: -18, facts: [.routeInput, .validate, .reverseRoute], settings: { $0.rpFilter = 1 }) {
                           $0.routeReturn = -18
                           $0.validateReturn = -18
                           $0.reverseIfindex = 5
                           $0.reverseIfname = "va"
                       })
        case 1:  // va: a request for 10.77.0.1, answered
            return arp(va, "va", sender: "10.77.0.2", target: "10.77.0.1",
                       packet(.replied, facts: [.routeInput, .forwardRoute, .xmit, .neighUpdate]) { $0.forwardRouteType = 2 })
        case 2:  // va: nobody has 10.77.0.99 here, no proxy
            return arp(va, "va", sender: "10.77.0.2", target: "10.77.0.99",
                       packet(.notLocal, facts: [.routeInput, .forwardRoute], settings: { $0.forwarding = 1 }) { $0.forwardRouteType = 1 })
        case 4:  // eth0: the gateway answers
            return arp(eth0, "eth0", op: 2, sender: "192.168.122.1", target: "192.168.122.15",
                       packet(.replyAccepted, facts: [.neighUpdate]))
        default:  // eth0 in the test namespace: arp_ignore=1 and 10.88.0.1 is not on it
            return arp(eth0InTest, "eth0", sender: "10.88.0.7", target: "10.88.0.1",
                       packet(.ignoredArpIgnore, facts: [.routeInput, .forwardRoute, .confirm], settings: { $0.arpIgnore = 1 }) {
                           $0.forwardRouteType = 2
                       })
        }
    }

    /// 40 logged packets (with fib_lookup calls between them, as in a real log), ending at 754 s.
    static func log() -> (EventLog, TopUnanswered) {
        var log = EventLog(capacity: 1_000)
        var top = TopUnanswered()
        for i in 0..<40 {
            let ns = 752_000_000_000 + UInt64(i) * 48_638_000
            log.append(ProbeEvent(timestampNs: ns - 10_000, function: .fibLookup, cpu: 0, interface: va, ifname: "va", ret: 0,
                                  routeType: 2, hasRouteType: true, tableID: 255))
            let e = event(i % 7, at: ns)
            log.append(e)
            top.add(e, sequence: log.received - 1)
        }
        return (log, top)
    }

    /// `Fixtures.model()`'s panes and calls, with the verdicts and packets of this scenario.
    static func model(filter: InterfaceFilter = .all) -> ScreenModel {
        let (log, top) = self.log()
        let built = ScreenModel(aggregator: aggregator(filter: filter), log: log, source: source, elapsedSeconds: 754.4,
                                topUnanswered: top)
        var m = Fixtures.model()
        m.verdicts = built.verdicts
        m.log.packets = built.log.packets
        m.interfaces = Fixtures.interfaces + [InterfaceCount(id: vc, name: "vc", count: 15)]
        return m
    }

    static func state(_ size: TerminalSize = TerminalSize(rows: 48, cols: 160)) -> UIState {
        UIState(model: model(), size: size)
    }
}
