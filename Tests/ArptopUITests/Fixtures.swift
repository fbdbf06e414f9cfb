import ArptopCore
@testable import ArptopUI

/// Fixed, realistic screen models: a host running a veth pair into a namespace, with
/// strict reverse-path filtering making fib_validate_source return EXDEV, and
/// ip_route_input_slow unavailable (a locked-down kernel without kprobes).
enum Fixtures {
    static let rootNS: UInt32 = 4026531840
    static let testNS: UInt32 = 4026532281
    /// The test namespace was made with `ip netns add t1`.
    static let namespaces = NamespaceNames(root: rootNS, names: [testNS: "t1"])

    static let eth0 = InterfaceID(netns: rootNS, ifindex: 2)
    static let va = InterfaceID(netns: rootNS, ifindex: 5)
    static let lo = InterfaceID(netns: rootNS, ifindex: 1)
    static let vb = InterfaceID(netns: testNS, ifindex: 4)
    static let eth0InTest = InterfaceID(netns: testNS, ifindex: 2)

    static let interfaces: [InterfaceCount] = [
        InterfaceCount(id: va, name: "va", count: 52_960, errors: 3_411),
        InterfaceCount(id: eth0, name: "eth0", count: 9_214, errors: 644),
        InterfaceCount(id: lo, name: "lo", count: 1_873),
        InterfaceCount(id: vb, name: "vb", count: 604),
        InterfaceCount(id: eth0InTest, name: "eth0", count: 77, errors: 2),
    ]

    /// A deterministic last minute of rates: a burst of ARP around 20–30 s ago.
    static func sparkline(base: Double, burst: Double, phase: Int = 0) -> [Double] {
        (0..<60).map { i in
            let wave = Double((i * 7 + phase) % 11) / 10
            let b = (20...30).contains(i) ? burst * Double(10 - abs(25 - i)) / 10 : 0
            return (base * wave + b).rounded()
        }
    }

    static let arpProcess = PaneModel(
        function: .arpProcess,
        status: ProbeStatus(function: .arpProcess, mechanism: .fentry, target: "arp_process", reason: nil),
        totalCalls: 48_213, ratePerSecond: 41,
        sparkline: sparkline(base: 40, burst: 180),
        histogram: [
            HistogramBar(label: "0", count: 47_210, isError: false),
            HistogramBar(label: "NET_RX_DROP", count: 1_003, isError: true),
        ],
        interfaces: [
            InterfaceCount(id: va, name: "va", count: 40_100, errors: 1_003),
            InterfaceCount(id: eth0, name: "eth0", count: 7_450),
            InterfaceCount(id: vb, name: "vb", count: 600),
            InterfaceCount(id: eth0InTest, name: "eth0", count: 63),
        ]
    )

    static let ipRouteInputSlow = PaneModel(
        function: .ipRouteInputSlow,
        status: ProbeStatus(function: .ipRouteInputSlow, mechanism: nil, target: nil,
                            reason: "fentry: EPERM; kprobe: kernel has no kprobe support")
    )

    static let fibLookup = PaneModel(
        function: .fibLookup,
        status: ProbeStatus(function: .fibLookup, mechanism: .fentry, target: "fib_table_lookup", reason: nil),
        totalCalls: 32_047, ratePerSecond: 27.5,
        sparkline: sparkline(base: 30, burst: 90, phase: 3),
        histogram: [
            HistogramBar(label: "RTN_LOCAL", count: 20_113, isError: false),
            HistogramBar(label: "RTN_UNICAST", count: 9_877, isError: false),
            HistogramBar(label: "RTN_BROADCAST", count: 1_201, isError: false),
            HistogramBar(label: "EAGAIN", count: 644, isError: true),
            HistogramBar(label: "RTN_UNREACHABLE", count: 190, isError: false),
            HistogramBar(label: "RTN_MULTICAST", count: 21, isError: false),
            HistogramBar(label: "ENETUNREACH", count: 1, isError: true),
        ],
        interfaces: [
            InterfaceCount(id: va, name: "va", count: 19_100, errors: 410),
            InterfaceCount(id: eth0, name: "eth0", count: 9_000, errors: 234),
            InterfaceCount(id: lo, name: "lo", count: 3_947, errors: 1),
        ]
    )

    static let fibValidateSource = PaneModel(
        function: .fibValidateSource,
        status: ProbeStatus(function: .fibValidateSource, mechanism: .kprobe, target: "fib_validate_source",
                            reason: "fentry: ENOTSUPP (8 arguments)"),
        totalCalls: 15_872, ratePerSecond: 12.3,
        sparkline: sparkline(base: 12, burst: 60, phase: 5),
        histogram: [
            HistogramBar(label: "0", count: 12_461, isError: false),
            HistogramBar(label: "EXDEV", count: 3_411, isError: true),
        ],
        interfaces: [
            InterfaceCount(id: va, name: "va", count: 15_200, errors: 3_411),
            InterfaceCount(id: eth0, name: "eth0", count: 672),
        ]
    )

    /// Booted 754 s before 2026-12-03 14:12:34 UTC; the viewer is in UTC, on the same day
    /// (14:30): no golden depends on the machine's clock or time zone.
    static let clock: EventClock = {
        let atMonotonic754: Int64 = 1_796_307_154 * 1_000_000_000  // 2026-12-03 14:12:34 UTC
        return EventClock(realtimeOffsetNs: atMonotonic754 - 754 * 1_000_000_000, zone: .utcOffset(seconds: 0),
                          now: .realtime(ns: atMonotonic754 + 1_046 * 1_000_000_000))
    }()

    static func logLines(count: Int = 40, firstSequence: UInt64 = 2_001) -> LogLines {
        let times = clock.times()
        let templates: [(KernelFunction, String, String, String, Bool)] = [
            (.arpProcess, "va", "request who-has 10.77.0.1 tell 10.77.0.2 (aa:bb:cc:dd:ee:02)", "0", false),
            (.fibLookup, "va", "table 255 iif 5 oif 0 10.77.0.2 -> 10.77.0.1 RTN_LOCAL", "0", false),
            (.fibValidateSource, "va", "src 10.99.0.7 dst 10.77.0.1 oif 0", "EXDEV", true),
            (.arpProcess, "vb@t1", "reply 10.77.0.1 is-at aa:bb:cc:dd:ee:01", "0", false),  // received in t1
            (.fibLookup, "eth0", "table 254 iif 2 oif 0 192.168.122.1 -> 192.168.122.15 RTN_UNICAST", "0", false),
            (.fibLookup, "lo", "table 255 iif 1 oif 0 10.99.0.7 -> 10.77.0.1", "EAGAIN", true),
            (.arpProcess, "va", "request who-has 10.77.0.1 tell 10.99.0.7 (aa:bb:cc:dd:ee:07) rp_filter=1", "NET_RX_DROP", true),
        ]
        return LogLines((0..<count).lazy.map { i in
            let seq = Int(firstSequence) + i
            let t = templates[seq % templates.count]
            let micros = 412_006 + (seq - 2_001) * 24_319
            return LogLine(
                sequence: UInt64(seq), time: times.string(UInt64(754_000_000_000 + micros * 1_000)),
                cpu: UInt32(seq % 3 == 0 ? 1 : 0), interface: t.1, function: t.0, details: t.2, returnName: t.3, isError: t.4)
        })
    }

    static func model(logLines: Int = 120) -> ScreenModel {
        let lines = Self.logLines(count: logLines)
        return ScreenModel(
            header: HeaderInfo(host: "vm-arp-01", kernelRelease: "6.1.0-18-amd64", elapsedSeconds: 754.4,
                               totalEvents: 96_132, eventsPerSecond: 80.8),
            panes: [arpProcess, ipRouteInputSlow, fibLookup, fibValidateSource],
            log: LogModel(lines: lines, total: 41_350, dropped: 12, sampled: 3_871),
            interfaces: interfaces,
            namespaces: namespaces
        )
    }

    /// The same host a little later: more calls and newer log lines.
    static func laterModel() -> ScreenModel {
        var m = model()
        m.header.totalEvents += 1_234
        m.header.elapsedSeconds += 15
        m.log.lines = logLines(count: 120, firstSequence: 2_021)
        m.log.total += 20
        return m
    }

    static func state(_ size: TerminalSize = TerminalSize(rows: 48, cols: 160), model: ScreenModel = model()) -> UIState {
        UIState(model: model, size: size)
    }
}

extension UIState {
    /// `/`, `text` key by key, Enter: the log filtered by `text`, as a person types it.
    mutating func applyFilter(_ text: String) {
        _ = handle(.character("/"))
        for ch in text { _ = handle(.character(ch)) }
        _ = handle(.enter)
    }
}

/// Logged events for the line-cache and filter tests: on `interfaces` in turn (an empty name:
/// the event carries none, as a FIB lookup's may), an arp_process every `arpEvery` events and
/// FIB lookups between, every fifth failing with -EAGAIN, a millisecond apart.
struct EventFeed {
    var interfaces: [(id: InterfaceID, name: String)]
    var arpEvery: Int
    var time: UInt64 = 1_000_000_000

    mutating func append(_ n: Int, to log: inout EventLog) {
        for i in 0..<n {
            time += 1_000_000
            let (id, name) = interfaces[i % interfaces.count]
            log.append(ProbeEvent(timestampNs: time, function: i % arpEvery == 0 ? .arpProcess : .fibLookup, cpu: UInt32(i % 2),
                                  interface: id, ifname: name, ret: i % 5 == 0 ? -11 : 0, arpOp: 1))
        }
    }
}
