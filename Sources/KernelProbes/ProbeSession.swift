import ArptopABI
import ArptopCore
import CLibbpf
import FoundationEssentials
import Glibc

/// The live kernel side: plans how each of the four functions can be probed on this
/// kernel, loads and attaches the winners, and reads their counts and events.
///
/// ```swift
/// let session = try ProbeSession(options: ProbeOptions())
/// let snapshot = try session.readAggregates()
/// _ = try session.drainEvents { event in print(event) }
/// session.close()
/// ```
public final class ProbeSession {
    /// One per `KernelFunction`, in order: how it is attached, or why it is not.
    public let statuses: [ProbeStatus]
    /// Names return values and route types from the running kernel's BTF.
    public let naming: ReturnValueNaming

    private var loaded: LoadedObject?
    private let possibleCPUs: Int
    /// The kernel counts skipped kprobe and tracepoint runs (6.7+: the release that also
    /// reports a kprobe link's `missed`, recognised in BTF by that struct).
    private let kprobeMissesCounted: Bool

    /// Throws unless the process is root or has CAP_BPF and CAP_PERFMON (CapEff in /proc/self/status).
    public static func checkPrivileges() throws {
        if geteuid() == 0 { return }
        var effective: UInt64 = 0
        if let status = readFileToEnd("/proc/self/status").map({ String(decoding: $0, as: UTF8.self) }) {
            for line in status.split(separator: "\n") where line.hasPrefix("CapEff:") {
                effective = UInt64(line.dropFirst("CapEff:".count).trimmingWhitespace(), radix: 16) ?? 0
            }
        }
        let capPerfmon: UInt64 = 1 << 38, capBPF: UInt64 = 1 << 39
        if effective & capPerfmon != 0 && effective & capBPF != 0 { return }
        throw ProbeError("arptop needs root, or CAP_BPF and CAP_PERFMON, to load BPF programs (try: sudo arptop, or arptop --demo)")
    }

    /// Plan, load only the winning programs, and attach them.
    /// - Throws: `ProbeError` when the BTF is missing, or when no function could be attached
    ///   (the message lists why each failed).
    public init(options: ProbeOptions) throws {
        guard FileManager.default.fileExists(atPath: options.btfPath) else {
            throw ProbeError("kernel BTF not found at \(options.btfPath): arptop needs CONFIG_DEBUG_INFO_BTF=y")
        }
        clibbpf_log_install(ProcessInfo.processInfo.environment["ARPTOP_LIBBPF_DEBUG"] == "1" ? 1 : 0)
        let cpus = libbpf_num_possible_cpus()
        guard cpus > 0 else {
            throw ProbeError(call: "libbpf_num_possible_cpus", errno: cpus, "/sys/devices/system/cpu/possible must be readable")
        }
        possibleCPUs = Int(cpus)
        let btf = try KernelBTF(path: options.btfPath)
        naming = BTFNaming(btf: btf)
        kprobeMissesCounted = btf.structExists(withMembers: "func_name", "missed")

        let planner = AttachPlanner(options: options, btf: btf)
        var plans = KernelFunction.allCases.map { planner.initialPlan(for: $0) }
        let preemptCountReadable = planner.preemptCountReadable
        var constants = LoadedObject.KernelConstants()
        constants.routeInputRPFilterReturn = BTFNaming(btf: btf).routeInputRPFilterReturn
        constants.neighVarProxyDelay = btf.enumContaining("NEIGH_VAR_PROXY_DELAY")?
            .first(where: { $0.value == "NEIGH_VAR_PROXY_DELAY" })?.key
        // Each failed attempt removes one candidate, so this ends within (functions x mechanisms) rounds.
        var attempts = 0
        while loaded == nil {
            let winners = plans.compactMap { plan in plan.current.map { (plan.function, $0) } }
            if winners.isEmpty || attempts > 12 { break }
            attempts += 1
            do {
                loaded = try LoadedObject(winners: winners, options: options,
                                          preemptCountReadable: preemptCountReadable, constants: constants)
            } catch LoadedObject.Failure.function(let function, let reason) {
                planner.fail(&plans[function.rawValue], reason: reason)
            } catch LoadedObject.Failure.fatal(let error) {
                throw error
            }
        }
        statuses = plans.map(\.status)
        guard loaded != nil else {
            let why = plans.map { "\($0.function.name): \($0.status.reason ?? "no attach mechanism")" }
            throw ProbeError("no kernel function could be probed (arptop --demo shows what arptop does, from a recording): " + why.joined(separator: "; "))
        }
    }

    deinit { close() }

    /// The ring buffer's epoll descriptor: poll it (with stdin) and call `drainEvents` when readable.
    /// -1 after `close()`. Wraps `ring_buffer__epoll_fd`.
    public var eventsFD: Int32 {
        guard let ring = loaded?.ring else { return -1 }
        return ring_buffer__epoll_fd(ring)
    }

    /// Hand every record waiting in the ring buffer to `handler`, without blocking.
    /// - Returns: the number of events handled.
    /// - Wraps `ring_buffer__consume`.
    public func drainEvents(_ handler: (ProbeEvent) -> Void) throws -> Int {
        guard let loaded, let ring = loaded.ring else { throw Self.closedError("drainEvents") }
        var handled = 0
        let rc: Int32 = withoutActuallyEscaping(handler) { handle in
            loaded.sink.handler = { data, size in
                guard size >= MemoryLayout<arptop_event>.size else { return }
                if let event = ProbeEvent(data.loadUnaligned(as: arptop_event.self)) {
                    handled += 1
                    handle(event)
                }
            }
            defer { loaded.sink.handler = nil }
            return ring_buffer__consume(ring)
        }
        if rc < 0 {
            throw ProbeError(call: "ring_buffer__consume", errno: rc, "the event stream is broken; restart arptop")
        }
        return handled
    }

    /// The kernel's counts (summed over CPUs) and stream statistics, cumulative since attach.
    /// - Wraps `bpf_map_get_next_key` and `bpf_map_lookup_elem` on the `counts` and `stats` maps.
    public func readAggregates() throws -> AggregateSnapshot {
        guard let loaded else { throw Self.closedError("readAggregates") }
        var values = [UInt64](repeating: 0, count: possibleCPUs)  // __u64 values: already 8-byte slots

        var counts: [CountKey: UInt64] = [:]
        var verdicts: [VerdictKey: UInt64] = [:]
        var key = arptop_count_key()
        var next = arptop_count_key()
        var first = true
        while true {
            let rc = first
                ? bpf_map_get_next_key(loaded.countsFD, nil, &next)
                : bpf_map_get_next_key(loaded.countsFD, &key, &next)
            if rc == -ENOENT { break }
            if rc != 0 {
                throw ProbeError(call: "bpf_map_get_next_key(counts)", errno: rc, "cannot read the kernel counts")
            }
            first = false
            key = next
            let lookup = values.withUnsafeMutableBytes { bpf_map_lookup_elem(loaded.countsFD, &key, $0.baseAddress) }
            if lookup == -ENOENT { continue }
            if lookup != 0 {
                throw ProbeError(call: "bpf_map_lookup_elem(counts)", errno: lookup, "cannot read the kernel counts")
            }
            if let countKey = CountKey(key) {
                let calls = values.reduce(0, &+)
                counts[countKey, default: 0] &+= calls
                if countKey.function == .arpProcess, calls > 0 {
                    verdicts[VerdictKey(key), default: 0] &+= calls
                }
            }
        }

        var sums = [UInt64](repeating: 0, count: Int(ARPTOP_STAT_MAX.rawValue))
        for index in 0..<UInt32(ARPTOP_STAT_MAX.rawValue) {
            var k = index
            let rc = values.withUnsafeMutableBytes { bpf_map_lookup_elem(loaded.statsFD, &k, $0.baseAddress) }
            if rc != 0 {
                throw ProbeError(call: "bpf_map_lookup_elem(stats, \(index))", errno: rc, "cannot read the kernel statistics")
            }
            sums[Int(index)] = values.reduce(0, &+)
        }
        // The rate limit counts sampled events in cpu_state (first __u64 of each CPU's value),
        // saving the BPF programs a `stats` lookup per call.
        let stride = (loaded.cpuStateValueSize + 7) & ~7
        if stride >= 8 {
            var raw = [UInt8](repeating: 0, count: stride * possibleCPUs)
            var zero: UInt32 = 0
            let rc = raw.withUnsafeMutableBytes { bpf_map_lookup_elem(loaded.cpuStateFD, &zero, $0.baseAddress) }
            if rc != 0 {
                throw ProbeError(call: "bpf_map_lookup_elem(cpu_state)", errno: rc, "cannot read the kernel statistics")
            }
            raw.withUnsafeBytes { bytes in
                for cpu in 0..<possibleCPUs {
                    sums[Int(ARPTOP_STAT_EVENTS_SAMPLED.rawValue)] &+= bytes.loadUnaligned(fromByteOffset: cpu * stride, as: UInt64.self)
                }
            }
        }
        var stats = StreamStats()
        stats.submitted = sums[Int(ARPTOP_STAT_EVENTS_SUBMITTED.rawValue)]
        stats.dropped = sums[Int(ARPTOP_STAT_EVENTS_DROPPED.rawValue)]
        stats.sampled = sums[Int(ARPTOP_STAT_EVENTS_SAMPLED.rawValue)]
        stats.noEntry = sums[Int(ARPTOP_STAT_NO_ENTRY.rawValue)]
        stats.countFailed = sums[Int(ARPTOP_STAT_COUNT_FAILED.rawValue)]
        (stats.missed, stats.missedExact) = missedRuns(loaded)
        stats.contextUnknown = sums[Int(ARPTOP_STAT_CONTEXT_UNKNOWN.rawValue)]

        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let monotonicNs = UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
        return AggregateSnapshot(monotonicNs: monotonicNs, counts: counts, stats: stats, verdicts: verdicts)
    }

    /// The kernel's count of skipped runs over arptop's programs, and whether it is exact:
    /// trampolines count their skips since 5.12 (bpf_prog_info grew `recursion_misses`),
    /// kprobe and tracepoint programs since 6.7.
    private func missedRuns(_ loaded: LoadedObject) -> (UInt64, Bool) {
        var total: UInt64 = 0
        var exact = true
        for program in loaded.programFDs {
            var misses: UInt64 = 0
            let rc = clibbpf_prog_misses(program.fd, &misses)
            if rc != 1 { exact = false }
            if !program.onTrampoline && !kprobeMissesCounted { exact = false }
            total &+= misses
        }
        return (total, exact)
    }

    /// Whether this kernel counts every kind of skipped run of the attached programs.
    public var missedRunsAreCounted: Bool {
        guard let loaded else { return false }
        return missedRuns(loaded).1
    }

    /// Detach every program (entries first) and free all kernel resources. Idempotent.
    public func close() {
        loaded?.close()
        loaded = nil
    }

    private static func closedError(_ call: String) -> ProbeError {
        ProbeError("\(call): the probe session is closed (create a new ProbeSession)")
    }
}
