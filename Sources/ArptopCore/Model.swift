/// The vocabulary shared by the kernel side, the aggregator, the outputs and the UI.
/// Everything here is plain Swift values: no libbpf, no curses.

/// The four kernel functions arptop watches, in pane order. Raw values match
/// `enum arptop_function` in `arptop_abi.h`.
public enum KernelFunction: Int, CaseIterable, Codable, Sendable, Comparable, CustomStringConvertible {
    case arpProcess = 0
    case ipRouteInputSlow = 1
    case fibLookup = 2
    case fibValidateSource = 3

    /// The kernel's name for the function (also the pane title and the JSON `name`).
    public var name: String {
        switch self {
        case .arpProcess: "arp_process"
        case .ipRouteInputSlow: "ip_route_input_slow"
        case .fibLookup: "fib_lookup"
        case .fibValidateSource: "fib_validate_source"
        }
    }

    public init?(name: String) {
        guard let f = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = f
    }

    public var description: String { name }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

extension KernelFunction {
    /// Whether `ret` means the call failed. Any non-zero return does (an errno, NET_RX_DROP
    /// from arp_process, an `skb_drop_reason` from ip_route_input_slow on 6.13+), except:
    /// - fib_validate_source, whose callers test `err < 0`: a positive return is a success
    ///   (1: the source is reachable on a link-scope route);
    /// - fib_lookup's -EAGAIN, a table without a match: with any `ip rule` every lookup tries
    ///   the local table first and misses there, so a miss is not an error (see `isTableMiss`).
    public func isFailure(_ ret: Int32) -> Bool {
        switch self {
        case .fibValidateSource: ret < 0
        case .fibLookup: ret != 0 && !isTableMiss(ret)
        case .arpProcess, .ipRouteInputSlow: ret != 0
        }
    }

    /// -EAGAIN from fib_table_lookup: the table has no matching route (the lookup goes on
    /// with the next table of the rules).
    public func isTableMiss(_ ret: Int32) -> Bool {
        self == .fibLookup && ret == -11
    }
}

/// How a probe is attached to its kernel function.
public enum AttachMechanism: String, Codable, Sendable, CaseIterable {
    case fentry      // BPF trampolines (fentry + fexit)
    case kprobe      // kprobe + kretprobe
    case tracepoint  // a static tracepoint (fib:fib_table_lookup for the fib_lookup pane)
}

/// The outcome of trying to attach one function: attached by some mechanism to a
/// target symbol, or unavailable with the reason(s) each mechanism failed.
public struct ProbeStatus: Codable, Sendable, Equatable {
    public var function: KernelFunction
    public var mechanism: AttachMechanism?
    /// The kernel symbol or tracepoint actually attached (e.g. `fib_table_lookup`, `fib:fib_table_lookup`).
    public var target: String?
    /// Why it is unavailable, or notes on mechanisms that were tried and lost.
    public var reason: String?

    public init(function: KernelFunction, mechanism: AttachMechanism?, target: String?, reason: String?) {
        self.function = function
        self.mechanism = mechanism
        self.target = target
        self.reason = reason
    }

    public var isAttached: Bool { mechanism != nil }
}

/// An interface's identity: ifindexes repeat across network namespaces.
public struct InterfaceID: Hashable, Codable, Sendable, Comparable {
    public var netns: UInt32
    public var ifindex: Int32
    public init(netns: UInt32, ifindex: Int32) {
        self.netns = netns
        self.ifindex = ifindex
    }
    public static func < (a: Self, b: Self) -> Bool { (a.netns, a.ifindex) < (b.netns, b.ifindex) }
}

/// One row of the kernel's count map (summed over CPUs): calls of one function on one
/// interface that returned one value (and, for fib_lookup, one route type).
public struct CountKey: Hashable, Codable, Sendable {
    public var function: KernelFunction
    public var interface: InterfaceID
    /// Interface name as read in the kernel at the time of the call; empty when unknown.
    public var ifname: String
    /// The return value, sign-extended from the kernel's 32-bit return.
    public var ret: Int32
    /// fib_lookup: RTN_* of the result when the lookup succeeded and the mechanism can see it; else 0.
    public var routeType: UInt32
    /// fib_lookup: the FIB table looked up (255 local, 254 main, ...); 0 for the other functions.
    public var tableID: UInt32

    public init(function: KernelFunction, interface: InterfaceID, ifname: String, ret: Int32, routeType: UInt32, tableID: UInt32 = 0) {
        self.function = function
        self.interface = interface
        self.ifname = ifname
        self.ret = ret
        self.routeType = routeType
        self.tableID = tableID
    }
}

/// Kernel-side counters about the event stream (summed over CPUs). Mirrors `enum arptop_stat`.
public struct StreamStats: Codable, Sendable, Equatable {
    /// Records put into the ring buffer.
    public var submitted: UInt64 = 0
    /// Records that could not be reserved (ring buffer full): lost from the log, still counted.
    public var dropped: UInt64 = 0
    /// Records left out by the per-CPU log rate limit (`--log-rate`): still counted.
    public var sampled: UInt64 = 0
    /// Returns seen without their entry (a call in flight when the probe attached).
    public var noEntry: UInt64 = 0
    /// Calls that could not be counted because the count map was full (should stay 0).
    public var countFailed: UInt64 = 0
    /// Program runs the kernel skipped (another BPF program running on that CPU, a
    /// trampoline's recursion protection): those calls are in no count. Read from the
    /// kernel's per-program `recursion_misses` (bpf_prog_info).
    public var missed: UInt64 = 0
    /// Whether the kernel counts every kind of skip arptop's programs can suffer: trampoline
    /// skips since 5.12, kprobe and tracepoint skips since 6.7. When false, `missed` and
    /// the counts of kprobe/tracepoint functions are lower bounds.
    public var missedExact: Bool = true
    /// Program runs that could not tell softirq from task context (their calls were paired by
    /// thread, the old way): 0 wherever the CPU's preempt_count or the softirq tracepoints work.
    public var contextUnknown: UInt64 = 0
    public init() {}
}

/// The kernel's aggregates at one moment: exact, cumulative since attach.
public struct AggregateSnapshot: Sendable, Equatable {
    /// Monotonic time of the read, in nanoseconds (CLOCK_MONOTONIC, same clock as events).
    public var monotonicNs: UInt64
    public var counts: [CountKey: UInt64]
    public var stats: StreamStats
    /// ARP packets by verdict (the arp_process counts split by what became of the packet);
    /// empty where the kernel gives no verdicts.
    public var verdicts: [VerdictKey: UInt64]
    public init(monotonicNs: UInt64, counts: [CountKey: UInt64], stats: StreamStats, verdicts: [VerdictKey: UInt64] = [:]) {
        self.monotonicNs = monotonicNs
        self.counts = counts
        self.stats = stats
        self.verdicts = verdicts
    }
}

/// One call of a probed function, as logged through the ring buffer (may be sampled).
/// Addresses are IPv4 in network byte order as the kernel holds them (see `IPv4`).
public struct ProbeEvent: Sendable, Equatable, Codable {
    public var timestampNs: UInt64
    public var durationNs: UInt64
    public var function: KernelFunction
    public var cpu: UInt32
    public var interface: InterfaceID
    public var ifname: String
    public var ret: Int32
    /// RTN_* when `hasRouteType`.
    public var routeType: UInt32
    public var hasRouteType: Bool
    /// The return was seen without its entry: the entry-side fields are unknown.
    public var missingEntry: Bool
    public var tableID: UInt32

    // arp_process
    public var arpOp: UInt16
    public var senderMAC: [UInt8]
    public var senderIP: IPv4
    public var targetIP: IPv4
    public var noAddr: Bool
    public var noInDevice: Bool
    public var rpFilter: UInt8

    // routes
    public var daddr: IPv4
    public var saddr: IPv4
    public var iif: Int32
    public var oif: Int32

    /// arp_process: what became of the packet, and why (nil without an entry, or from a
    /// recording made before verdicts).
    public var packet: PacketVerdict?

    public init(
        timestampNs: UInt64, durationNs: UInt64 = 0, function: KernelFunction, cpu: UInt32,
        interface: InterfaceID, ifname: String, ret: Int32, routeType: UInt32 = 0,
        hasRouteType: Bool = false, missingEntry: Bool = false, tableID: UInt32 = 0,
        arpOp: UInt16 = 0, senderMAC: [UInt8] = [0, 0, 0, 0, 0, 0], senderIP: IPv4 = .zero,
        targetIP: IPv4 = .zero, noAddr: Bool = false, noInDevice: Bool = false, rpFilter: UInt8 = 0,
        daddr: IPv4 = .zero, saddr: IPv4 = .zero, iif: Int32 = 0, oif: Int32 = 0,
        packet: PacketVerdict? = nil
    ) {
        self.timestampNs = timestampNs
        self.durationNs = durationNs
        self.function = function
        self.cpu = cpu
        self.interface = interface
        self.ifname = ifname
        self.ret = ret
        self.routeType = routeType
        self.hasRouteType = hasRouteType
        self.missingEntry = missingEntry
        self.tableID = tableID
        self.arpOp = arpOp
        self.senderMAC = senderMAC
        self.senderIP = senderIP
        self.targetIP = targetIP
        self.noAddr = noAddr
        self.noInDevice = noInDevice
        self.rpFilter = rpFilter
        self.daddr = daddr
        self.saddr = saddr
        self.iif = iif
        self.oif = oif
        self.packet = packet
    }
}

/// An IPv4 address as the kernel stores it (`__be32`, read as a little-endian host integer).
public struct IPv4: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The raw `__be32` value as read from memory on a little-endian host.
    public var raw: UInt32
    public init(raw: UInt32) { self.raw = raw }
    public static let zero = IPv4(raw: 0)

    /// Parse dotted quad ("10.77.0.1").
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt32] = []
        for p in parts {
            guard let v = UInt32(p), v <= 255 else { return nil }
            bytes.append(v)
        }
        raw = bytes[0] | bytes[1] << 8 | bytes[2] << 16 | bytes[3] << 24
    }

    public var description: String {
        "\(raw & 0xff).\((raw >> 8) & 0xff).\((raw >> 16) & 0xff).\((raw >> 24) & 0xff)"
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let ip = IPv4(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an IPv4 address: \(text)"))
        }
        self = ip
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Names return values and route types. The live implementation reads the running
/// kernel's BTF (KernelProbes); recordings carry the names they were made with.
public protocol ReturnValueNaming: Sendable {
    /// "0", "EXDEV", a drop reason such as "IP_RPFILTER", ...
    func returnName(_ ret: Int32, of function: KernelFunction) -> String
    /// "RTN_LOCAL", "RTN_UNICAST", ...
    func routeTypeName(_ routeType: UInt32) -> String
}
