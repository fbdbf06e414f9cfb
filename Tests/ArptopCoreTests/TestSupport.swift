@testable import ArptopCore

/// A stand-in for the kernel's BTF naming: a few errno names, a drop reason for a positive
/// ip_route_input_slow return (6.13+), RTN_* route types.
struct TestNaming: ReturnValueNaming {
    func returnName(_ ret: Int32, of function: KernelFunction) -> String {
        switch ret {
        case 0: "0"
        case -11: "EAGAIN"
        case -18: "EXDEV"
        case -22: "EINVAL"
        case 50 where function == .ipRouteInputSlow: "IP_RPFILTER"
        default: String(ret)
        }
    }

    func routeTypeName(_ routeType: UInt32) -> String {
        routeType < UInt32(RouteTypeNames.names.count) ? RouteTypeNames.names[Int(routeType)] : String(routeType)
    }
}

let rootNetns: UInt32 = 4026531840
let otherNetns: UInt32 = 4026532281

/// A count-map key.
func key(
    _ function: KernelFunction, _ ifname: String, ifindex: Int32 = 3, netns: UInt32 = rootNetns,
    ret: Int32 = 0, routeType: UInt32 = 0
) -> CountKey {
    CountKey(function: function, interface: InterfaceID(netns: netns, ifindex: ifindex), ifname: ifname, ret: ret, routeType: routeType)
}

/// A snapshot at `seconds` (monotonic) with the given cumulative counts.
func snapshot(at seconds: Double, _ counts: [CountKey: UInt64], stats: StreamStats = StreamStats()) -> AggregateSnapshot {
    AggregateSnapshot(monotonicNs: UInt64((seconds * 1e9).rounded()), counts: counts, stats: stats)
}

func stats(submitted: UInt64 = 0, dropped: UInt64 = 0, sampled: UInt64 = 0, noEntry: UInt64 = 0, countFailed: UInt64 = 0) -> StreamStats {
    var s = StreamStats()
    s.submitted = submitted
    s.dropped = dropped
    s.sampled = sampled
    s.noEntry = noEntry
    s.countFailed = countFailed
    return s
}

let va = InterfaceID(netns: rootNetns, ifindex: 3)
let mac: [UInt8] = [0xaa, 0xbb, 0xcc, 0x0d, 0xee, 0x01]

/// One sample event per kind, filled as the kernel side fills them.
enum SampleEvents {
    static let arpRequest = ProbeEvent(
        timestampNs: 5_000_123_456, durationNs: 2_100, function: .arpProcess, cpu: 1, interface: va, ifname: "va",
        ret: 0, arpOp: 1, senderMAC: mac, senderIP: IPv4("10.77.0.2")!, targetIP: IPv4("10.77.0.1")!)
    static let arpReply = ProbeEvent(
        timestampNs: 5_000_200_000, function: .arpProcess, cpu: 0, interface: va, ifname: "va",
        ret: 0, arpOp: 2, senderMAC: mac, senderIP: IPv4("10.77.0.1")!, targetIP: IPv4("10.77.0.2")!,
        noAddr: true, rpFilter: 1)
    static let route = ProbeEvent(
        timestampNs: 5_000_300_000, durationNs: 900, function: .ipRouteInputSlow, cpu: 0, interface: va, ifname: "va",
        ret: -18, daddr: IPv4("10.77.0.1")!, saddr: IPv4("10.77.0.2")!)
    static let fib = ProbeEvent(
        timestampNs: 5_000_400_000, durationNs: 300, function: .fibLookup, cpu: 0, interface: va, ifname: "va",
        ret: 0, routeType: 2, hasRouteType: true, tableID: 255, daddr: IPv4("10.77.0.1")!, saddr: IPv4("10.77.0.2")!, iif: 3, oif: 0)
    static let fibTracepoint = ProbeEvent(
        timestampNs: 5_000_450_000, function: .fibLookup, cpu: 1, interface: va, ifname: "va",
        ret: -11, tableID: 254, daddr: IPv4("10.88.0.9")!, saddr: IPv4("10.77.0.2")!, iif: 3, oif: 0)
    static let validate = ProbeEvent(
        timestampNs: 5_000_500_000, durationNs: 1_000, function: .fibValidateSource, cpu: 1,
        interface: InterfaceID(netns: otherNetns, ifindex: 2), ifname: "vb",
        ret: -18, daddr: IPv4("10.77.0.1")!, saddr: IPv4("10.88.0.5")!, oif: 0)
    static let missingEntry = ProbeEvent(
        timestampNs: 5_000_600_000, function: .ipRouteInputSlow, cpu: 0, interface: va, ifname: "va",
        ret: 50, missingEntry: true)

    static let all = [arpRequest, arpReply, route, fib, fibTracepoint, validate, missingEntry]
}
