import ArptopCore
import Foundation

/// A deterministic recording of a small ARP lab as `arptop --json --log-rate 24` would write it on
/// Debian 12 (kernel 6.1), and the exact numbers the screen must show for it.
///
/// Topology (the one `Tests/vm` builds):
/// - `va` (init netns 4026531840, ifindex 3, 10.77.0.1/24), veth peer of `vb`
///   (netns 4026532481, `ip netns` name t1, ifindex 2, 10.77.0.2) which arpings 10.77.0.1 (local) and 10.77.0.9 (not on
///   the box; forwarding off);
/// - `vc` (init netns, ifindex 5, 10.77.2.1/24, `rp_filter=1`) which sees requests from 10.77.0.50,
///   a sender whose route goes out through `va`: strict reverse-path filtering says `EXDEV`; and
///   now and then a request from 10.77.2.2, which passes.
///
/// Per ARP request the kernel returns, innermost first: `fib_lookup` (the target: `RTN_LOCAL`, or
/// `RTN_UNICAST` for 10.77.0.9), then for local targets `fib_validate_source`'s reverse lookup
/// (`RTN_UNICAST`, counted on the receiving interface) and `fib_validate_source` itself (0 or
/// `-EXDEV`), `ip_route_input_slow` (0, `-EHOSTUNREACH` or `-EXDEV`), and `arp_process` (0). For each
/// answered request `vb` processes the reply (`arp_process` 0 on `vb`).
///
/// Snapshots every 0.5 s hold the exact cumulative counts; the event log is rate limited so most
/// calls are counted but not logged (`sampled`), as a busy host would show.
struct LabRecording {
    static let initNetns: UInt32 = 4026531840
    static let peerNetns: UInt32 = 4026532481
    /// `ip netns add t1`: the recording's `netns` record names it.
    static let peerNetnsName = "t1"

    struct Interface: Hashable {
        var name: String
        var id: InterfaceID
    }

    static let va = Interface(name: "va", id: InterfaceID(netns: initNetns, ifindex: 3))
    static let vb = Interface(name: "vb", id: InterfaceID(netns: peerNetns, ifindex: 2))
    static let vc = Interface(name: "vc", id: InterfaceID(netns: initNetns, ifindex: 5))
    static let interfaces = [va, vb, vc]

    static let probes = [
        ProbeStatus(function: .arpProcess, mechanism: .fentry, target: "arp_process", reason: nil),
        ProbeStatus(function: .ipRouteInputSlow, mechanism: .fentry, target: "ip_route_input_slow", reason: nil),
        ProbeStatus(function: .fibLookup, mechanism: .fentry, target: "fib_table_lookup", reason: nil),
        ProbeStatus(function: .fibValidateSource, mechanism: .kprobe, target: "fib_validate_source",
                    reason: "fentry: ENOTSUPP (fib_validate_source has 8 arguments, too many for this kernel's BPF trampolines)"),
    ]

    static let rtnUnicast: UInt32 = 1
    static let rtnLocal: UInt32 = 2
    static let errnoNames: [Int32: String] = [0: "0", -18: "EXDEV", -113: "EHOSTUNREACH"]
    static let routeTypeNames: [UInt32: String] = [rtnUnicast: "RTN_UNICAST", rtnLocal: "RTN_LOCAL"]

    /// 0.5 s between snapshots, as `--refresh 0.5` writes them.
    static let tickNs: UInt64 = 500_000_000
    /// The log rate limit lets through the calls of one ARP request in this many (the rest are
    /// counted as sampled), spread over the tick like a token bucket.
    static let logOneRequestIn = 12

    /// The recording, one NDJSON record per element (no newlines).
    private(set) var lines: [String] = []
    /// Cumulative counts at each snapshot, in order (the first is the empty one written at attach).
    private(set) var snapshots: [[CountKey: UInt64]] = []
    /// Number of snapshot records after the first.
    let ticks: Int
    let startNs: UInt64 = 7_203_117_000_000

    init(ticks: Int = 20) {
        self.ticks = ticks
        generate()
    }

    /// The whole file.
    var text: String { lines.map { $0 + "\n" }.joined() }

    /// The final cumulative counts (the last snapshot).
    var finalCounts: [CountKey: UInt64] { snapshots.last ?? [:] }

    // MARK: Expected screen numbers

    /// What one pane must show: its total and one count per histogram label.
    struct PaneNumbers: Equatable, CustomStringConvertible {
        var calls: UInt64 = 0
        var bars: [String: UInt64] = [:]
        var description: String {
            "\(calls) calls " + bars.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }

    /// The four panes' numbers (and the grand total the header shows as `events`).
    struct ScreenNumbers: Equatable, CustomStringConvertible {
        var panes: [KernelFunction: PaneNumbers] = [:]
        var total: UInt64 { panes.values.reduce(0) { $0 + $1.calls } }
        var description: String {
            "events \(total): " + KernelFunction.allCases.map { "\($0.name) [\(panes[$0] ?? PaneNumbers())]" }.joined(separator: ", ")
        }
    }

    /// The numbers the panes show for `counts` restricted to `names` (nil: every interface).
    static func numbers(_ counts: [CountKey: UInt64], interfaces names: Set<String>? = nil) -> ScreenNumbers {
        var s = ScreenNumbers()
        for f in KernelFunction.allCases { s.panes[f] = PaneNumbers() }
        for (key, count) in counts where count > 0 && (names?.contains(key.ifname) ?? true) {
            let label = key.function == .fibLookup && key.ret == 0 && key.routeType != 0
                ? routeTypeNames[key.routeType]! : errnoNames[key.ret]!
            s.panes[key.function]!.calls += count
            s.panes[key.function]!.bars[label, default: 0] += count
        }
        return s
    }

    /// The screen numbers at the end of the replay.
    func finalNumbers(interfaces names: Set<String>? = nil) -> ScreenNumbers {
        Self.numbers(finalCounts, interfaces: names)
    }

    /// The screen numbers at every snapshot (index 0: the empty one).
    func snapshotNumbers(interfaces names: Set<String>? = nil) -> [ScreenNumbers] {
        snapshots.map { Self.numbers($0, interfaces: names) }
    }

    // MARK: Generation

    private struct Call {
        var event: ProbeEvent
        var key: CountKey { CountKey(function: event.function, interface: event.interface, ifname: event.ifname,
                                     ret: event.ret, routeType: event.hasRouteType ? event.routeType : 0) }
    }

    private static let macs: [String: [UInt8]] = [
        "10.77.0.2": [0x0a, 0x5e, 0x77, 0x00, 0x00, 0x02],
        "10.77.0.1": [0x0a, 0x5e, 0x77, 0x00, 0x00, 0x01],
        "10.77.0.50": [0x0a, 0x5e, 0x77, 0x02, 0x00, 0x32],
        "10.77.2.2": [0x0a, 0x5e, 0x77, 0x02, 0x00, 0x02],
    ]

    /// The calls one ARP request causes, in the order they return.
    private static func request(on iface: Interface, from sender: String, for target: String, rpFilter: UInt8,
                                at t: UInt64, cpu: UInt32, replyPeer: Interface?) -> [Call] {
        let sip = IPv4(sender)!, tip = IPv4(target)!
        let local = target == "10.77.0.1" || target == "10.77.2.1"
        let exdev = sender == "10.77.0.50"
        func ev(_ f: KernelFunction, _ dt: UInt64, ret: Int32, on i: Interface = iface) -> ProbeEvent {
            ProbeEvent(timestampNs: t + dt, durationNs: 0, function: f, cpu: cpu, interface: i.id, ifname: i.name, ret: ret)
        }
        var calls: [Call] = []
        // ip_route_input_slow -> fib_lookup(target)
        var fl = ev(.fibLookup, 1_100, ret: 0)
        fl.routeType = local ? rtnLocal : rtnUnicast
        fl.hasRouteType = true
        fl.tableID = 254
        fl.iif = iface.id.ifindex
        fl.daddr = tip
        fl.saddr = sip
        fl.durationNs = 410
        calls.append(Call(event: fl))
        var routeRet: Int32 = -113  // forwarding is off: EHOSTUNREACH for a target not on the box
        if local {
            // fib_validate_source -> reverse fib_lookup (iif lo; counted on the receiving interface)
            var rev = ev(.fibLookup, 2_300, ret: 0)
            rev.routeType = rtnUnicast
            rev.hasRouteType = true
            rev.tableID = 254
            rev.iif = 1
            rev.daddr = sip
            rev.saddr = tip
            rev.durationNs = 380
            calls.append(Call(event: rev))
            var fvs = ev(.fibValidateSource, 2_900, ret: exdev ? -18 : 0)
            fvs.saddr = sip
            fvs.daddr = tip
            fvs.durationNs = 1_450
            calls.append(Call(event: fvs))
            routeRet = exdev ? -18 : 0
        }
        var irs = ev(.ipRouteInputSlow, 3_400, ret: routeRet)
        irs.daddr = tip
        irs.saddr = sip
        irs.durationNs = 2_600
        calls.append(Call(event: irs))
        var arp = ev(.arpProcess, 6_200, ret: 0)
        arp.arpOp = 1
        arp.senderIP = sip
        arp.senderMAC = macs[sender]!
        arp.targetIP = tip
        arp.rpFilter = rpFilter
        arp.durationNs = 5_900
        calls.append(Call(event: arp))
        if let peer = replyPeer, local, !exdev {
            var reply = ev(.arpProcess, 21_000, ret: 0, on: peer)
            reply.arpOp = 2
            reply.senderIP = tip
            reply.senderMAC = macs[target]!
            reply.targetIP = sip
            reply.durationNs = 3_100
            reply.cpu = 1 - cpu
            calls.append(Call(event: reply))
        }
        return calls
    }

    private mutating func generate() {
        let attached = AttachedRecord(host: "arptop-vm", kernel: "6.1.0-28-amd64", rootNetns: Self.initNetns, probes: Self.probes)
        lines.append(attached.jsonLine)
        lines.append(NetnsRecord(netns: Self.peerNetns, name: Self.peerNetnsName).jsonLine)
        var counts: [CountKey: UInt64] = [:]
        var stats = StreamStats()
        func snapshot(_ t: UInt64) {
            let rows = counts.keys.sorted { a, b in
                (a.function, a.interface.netns, a.interface.ifindex, a.ret, a.routeType)
                    < (b.function, b.interface.netns, b.interface.ifindex, b.ret, b.routeType)
            }.map { k in
                CountRow(function: k.function, interface: k.interface, ifname: k.ifname, ret: k.ret,
                         returnName: Self.errnoNames[k.ret]!, routeType: k.routeType,
                         routeTypeName: k.routeType != 0 ? Self.routeTypeNames[k.routeType]! : nil, count: counts[k]!)
            }
            lines.append(SnapshotRecord(timeNs: t, rows: rows, stats: stats).jsonLine)
            snapshots.append(counts)
        }
        snapshot(startNs)
        for tick in 1...ticks {
            let tickStart = startNs + UInt64(tick - 1) * Self.tickNs
            // How many requests of each kind arrive during this tick (varied, deterministic).
            let localVA = 38 + (tick * 7) % 11
            let remoteVA = 3 + tick % 4
            let exdevVC = 5 + (tick * 3) % 5
            let okVC = tick % 3 == 0 ? 2 : 1
            var requests: [(Interface, String, String, UInt8, Interface?)] = []
            requests += Array(repeating: (Self.va, "10.77.0.2", "10.77.0.1", 0, Self.vb), count: localVA)
            requests += Array(repeating: (Self.va, "10.77.0.2", "10.77.0.9", 0, nil), count: remoteVA)
            requests += Array(repeating: (Self.vc, "10.77.0.50", "10.77.2.1", 1, nil), count: exdevVC)
            requests += Array(repeating: (Self.vc, "10.77.2.2", "10.77.2.1", 1, nil), count: okVC)
            // Interleave kinds deterministically: a stride through the list.
            let n = requests.count
            var stride = 7
            while gcd(stride, n) != 1 { stride += 1 }
            let spacing = Self.tickNs / UInt64(n + 1)
            var events: [EventRecord] = []
            for i in 0..<n {
                let (iface, sender, target, rp, peer) = requests[(i * stride) % n]
                let t = tickStart + UInt64(i + 1) * spacing
                for call in Self.request(on: iface, from: sender, for: target, rpFilter: rp, at: t,
                                         cpu: UInt32(i % 2), replyPeer: peer) {
                    counts[call.key, default: 0] += 1
                    if (i + tick) % Self.logOneRequestIn == 0 {
                        stats.submitted += 1
                        events.append(EventRecord(
                            event: call.event, returnName: Self.errnoNames[call.event.ret]!,
                            routeTypeName: call.event.hasRouteType ? Self.routeTypeNames[call.event.routeType] : nil))
                    } else {
                        stats.sampled += 1
                    }
                }
            }
            lines += events.sorted { $0.event.timestampNs < $1.event.timestampNs }.map(\.jsonLine)
            snapshot(tickStart + Self.tickNs)
        }
        var aggregator = Aggregator(naming: RecordingNaming())
        aggregator.ingest(AggregateSnapshot(monotonicNs: startNs + UInt64(ticks) * Self.tickNs, counts: counts, stats: stats))
        lines.append(aggregator.summary(probes: Self.probes).jsonLine)
    }

    private func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// The names the recording carries, for the summary record.
    private struct RecordingNaming: ReturnValueNaming {
        func returnName(_ ret: Int32, of function: KernelFunction) -> String { LabRecording.errnoNames[ret] ?? String(ret) }
        func routeTypeName(_ routeType: UInt32) -> String { LabRecording.routeTypeNames[routeType] ?? String(routeType) }
    }
}
