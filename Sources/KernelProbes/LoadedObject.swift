import ArptopABI
import ArptopCore
import CLibbpf
import Glibc

/// Receives ring buffer records for the duration of one `ring_buffer__consume`.
final class EventSink {
    var handler: ((UnsafeRawPointer, Int) -> Void)?
}

/// libbpf's ring buffer callback: hands each record to the session's sink (the context pointer).
private let ringBufferCallback: ring_buffer_sample_fn = { ctx, data, size in
    guard let ctx, let data else { return 0 }
    let sink = Unmanaged<EventSink>.fromOpaque(ctx).takeUnretainedValue()
    sink.handler?(UnsafeRawPointer(data), size)
    return 0
}

/// The BPF object once loaded and attached: programs, links, maps and the ring buffer.
/// Owns every libbpf resource; `close()` releases them, entry links first.
final class LoadedObject {
    private var object: OpaquePointer?
    private var entryLinks: [OpaquePointer] = []
    private var exitLinks: [OpaquePointer] = []
    private(set) var ring: OpaquePointer?
    private(set) var countsFD: Int32 = -1
    private(set) var statsFD: Int32 = -1
    /// The internal per-CPU `cpu_state` map, whose first __u64 is the events sampled by the
    /// rate limit (added to the `stats` map's ARPTOP_STAT_EVENTS_SAMPLED); its value size.
    private(set) var cpuStateFD: Int32 = -1
    private(set) var cpuStateValueSize = 0
    /// The loaded programs' descriptors, and whether each runs on a BPF trampoline (the
    /// kernel counts skipped runs per kind of hook from different releases).
    private(set) var programFDs: [(fd: Int32, onTrampoline: Bool)] = []
    let sink = EventSink()

    /// Why a load or attach attempt failed.
    enum Failure: Error {
        /// Only this function's current mechanism is at fault: drop it and retry without it.
        case function(KernelFunction, String)
        /// Nothing to retry (a broken object, no memory...).
        case fatal(ProbeError)
    }

    enum Role { case entry, exit }

    /// How one program is attached.
    enum Hook {
        case trampoline                     // fentry/fexit: the target is in the program (BTF)
        case kprobe(symbol: String, ret: Bool)
        case tracepoint(category: String, name: String)
    }

    /// One BPF program of a candidate: its name (fixed by arptop_abi.h), side and hook.
    struct ProgramPlan {
        let name: String
        let role: Role
        let hook: Hook
    }

    /// Functions whose fexit program sees every argument and does everything: no fentry program.
    static let fexitOnly: Set<KernelFunction> = [.ipRouteInputSlow, .fibLookup]

    /// The calls arp_process makes after the probed ones that tell what became of the packet
    /// (its verdict): a program on each, attached with arp_process by the same mechanism. The
    /// bool says whether the program runs at the call's return.
    static let verdictWitnesses: [(symbol: String, atReturn: Bool)] = [
        ("inet_confirm_addr", true), ("arp_xmit", false), ("pneigh_enqueue", false),
    ]
    /// The witness on a tracepoint: the sender's neighbour entry updated.
    static let neighUpdateTracepoint = ProgramPlan(name: "neigh_update_tp", role: .exit,
                                                    hook: .tracepoint(category: "neigh", name: "neigh_update"))

    /// The programs that implement a function's candidate, in attach order within each role.
    static func programs(_ function: KernelFunction, _ candidate: Candidate) -> [ProgramPlan] {
        let f = function.name
        var witnesses: [ProgramPlan] = []
        if function == .arpProcess {
            for (symbol, atReturn) in verdictWitnesses {
                let role: Role = atReturn ? .exit : .entry
                switch (candidate.mechanism, atReturn) {
                case (.fentry, true): witnesses.append(ProgramPlan(name: "\(symbol)_fexit", role: role, hook: .trampoline))
                case (.fentry, false): witnesses.append(ProgramPlan(name: "\(symbol)_fentry", role: role, hook: .trampoline))
                case (_, true): witnesses.append(ProgramPlan(name: "\(symbol)_kretprobe", role: role, hook: .kprobe(symbol: symbol, ret: true)))
                case (_, false): witnesses.append(ProgramPlan(name: "\(symbol)_kprobe", role: role, hook: .kprobe(symbol: symbol, ret: false)))
                }
            }
            witnesses.append(neighUpdateTracepoint)
        }
        switch candidate.mechanism {
        case .fentry:
            let exit = ProgramPlan(name: "\(f)_fexit", role: .exit, hook: .trampoline)
            if fexitOnly.contains(function) { return [exit] }
            return [exit, ProgramPlan(name: "\(f)_fentry", role: .entry, hook: .trampoline)] + witnesses
        case .kprobe:
            return [ProgramPlan(name: "\(f)_kretprobe", role: .exit, hook: .kprobe(symbol: candidate.target, ret: true)),
                    ProgramPlan(name: "\(f)_kprobe", role: .entry, hook: .kprobe(symbol: candidate.target, ret: false))] + witnesses
        case .tracepoint:
            return [ProgramPlan(name: "fib_lookup_tp", role: .exit,
                                hook: .tracepoint(category: AttachPlanner.tracepoint.category, name: AttachPlanner.tracepoint.name))]
        }
    }

    /// The softirq trackers that tell the programs when they run in a softirq, for kernels
    /// whose preempt_count the programs cannot read (its variables missing from
    /// /proc/kallsyms, as without CONFIG_KALLSYMS_ALL) and for the tracepoint path; the
    /// softirq exit goes first so the depth never sticks.
    static let softirqTrackers = [
        ProgramPlan(name: "softirq_exit_tp", role: .exit, hook: .tracepoint(category: "irq", name: "softirq_exit")),
        ProgramPlan(name: "softirq_entry_tp", role: .entry, hook: .tracepoint(category: "irq", name: "softirq_entry")),
    ]

    /// Whether the softirq trackers are needed: the programs read the CPU's preempt_count
    /// through kernel variables (`__preempt_count`, or `pcpu_hot` on 6.2-6.14, and
    /// `__per_cpu_offset`); without them, or for the tracepoint path, the trackers tell them.
    static func needsSoftirqTrackers(winners: [(KernelFunction, Candidate)], preemptCountReadable: Bool) -> Bool {
        !preemptCountReadable || winners.contains { $0.1.mechanism == .tracepoint }
    }

    /// Open the embedded object, keep only the winners' programs, load, and attach
    /// (all return-side programs before any entry program, so no entry lacks its return).
    /// Kernel facts the programs are told before load (rodata), read from BTF by the caller.
    struct KernelConstants {
        /// ip_route_input_slow's return for a reverse-path reject (-EXDEV, or IP_RPFILTER from 6.13).
        var routeInputRPFilterReturn: Int32 = -18
        /// Index of NEIGH_VAR_PROXY_DELAY in neigh_parms.data; nil when unknown.
        var neighVarProxyDelay: UInt32?
    }

    init(winners: [(KernelFunction, Candidate)], options: ProbeOptions, preemptCountReadable: Bool,
         constants: KernelConstants = KernelConstants()) throws {
        clibbpf_log_clear()
        let bytes = EmbeddedBPF.object
        let customBTF = options.btfPath == "/sys/kernel/btf/vmlinux" ? nil : options.btfPath
        let opened: OpaquePointer? = bytes.withUnsafeBytes { raw in
            if let path = customBTF {
                return path.withCString { clibbpf_open_mem(raw.baseAddress, raw.count, "arptop", $0) }
            }
            return clibbpf_open_mem(raw.baseAddress, raw.count, "arptop", nil)
        }
        guard let obj = opened else {
            let err = errno
            throw Failure.fatal(ProbeError(call: "bpf_object__open_mem", errno: err, detail: libbpfDetail(),
                "the embedded BPF object does not fit this kernel; ARPTOP_LIBBPF_DEBUG=1 shows libbpf's log"))
        }
        object = obj
        var ok = false
        defer { if !ok { close() } }

        // Programs by name; keep the winners' only.
        var programs: [String: OpaquePointer] = [:]
        var prev: OpaquePointer?
        while let p = bpf_object__next_program(obj, prev) {
            programs[String(cString: bpf_program__name(p))] = p
            prev = p
        }
        // Every program to load, once, with the function it serves (the softirq trackers, when
        // needed, are put down to the first winner: a failure to attach them is reported there).
        let trackSoftirqs = Self.needsSoftirqTrackers(winners: winners, preemptCountReadable: preemptCountReadable)
        var plans = winners.flatMap { function, candidate in
            Self.programs(function, candidate).map { (function: function, candidate: candidate, plan: $0) }
        }
        if trackSoftirqs, let (function, candidate) = winners.first {
            plans += Self.softirqTrackers.map { (function: function, candidate: candidate, plan: $0) }
        }
        var wanted: [String: (KernelFunction, Candidate)] = [:]
        for (function, candidate, plan) in plans {
            guard programs[plan.name] != nil else {
                throw Failure.fatal(ProbeError("BPF program \(plan.name) missing from the embedded object: rebuild arptop"))
            }
            wanted[plan.name] = (function, candidate)
        }
        for (name, prog) in programs {
            bpf_program__set_autoload(prog, wanted[name] != nil)
        }

        // Settings (rodata) and the ring buffer size, before load.
        let fibCandidate = winners.first(where: { $0.0 == .fibLookup })?.1
        let fibIsReal = fibCandidate?.target == "fib_lookup"
        if fibIsReal, let fibCandidate, fibCandidate.mechanism == .fentry {
            for plan in Self.programs(.fibLookup, fibCandidate) {
                guard let prog = programs[plan.name] else { continue }
                let rc = bpf_program__set_attach_target(prog, 0, "fib_lookup")
                if rc != 0 { throw Failure.function(.fibLookup, "fentry: bpf_program__set_attach_target(fib_lookup): \(errnoName(rc))") }
            }
        }
        var rate = options.logRatePerCPU
        var (ifnameCount, ifnames) = Self.logInterfaceMatches(options.logInterfaces)
        var fibFlag: Bool = fibIsReal
        var trackSoftirq: Bool = trackSoftirqs
        var rpfilterReturn = constants.routeInputRPFilterReturn
        var proxyDelayIndex = constants.neighVarProxyDelay ?? UInt32.max
        let ifnamesSize = MemoryLayout<arptop_ifname_match>.stride * ifnames.count
        if clibbpf_set_rodata(obj, "log_rate_per_cpu", &rate, 8) != 0
            || clibbpf_set_rodata(obj, "log_ifname_count", &ifnameCount, 4) != 0
            || ifnames.withUnsafeBytes({ clibbpf_set_rodata(obj, "log_ifnames", $0.baseAddress, ifnamesSize) }) != 0
            || clibbpf_set_rodata(obj, "fib_target_is_fib_lookup", &fibFlag, 1) != 0
            || clibbpf_set_rodata(obj, "track_softirq", &trackSoftirq, 1) != 0
            || clibbpf_set_rodata(obj, "route_input_rpfilter_ret", &rpfilterReturn, 4) != 0
            || clibbpf_set_rodata(obj, "neigh_var_proxy_delay", &proxyDelayIndex, 4) != 0 {
            throw Failure.fatal(ProbeError("setting the BPF object's rodata failed: the embedded object does not match this loader; rebuild arptop"))
        }
        guard let events = bpf_object__find_map_by_name(obj, "events"),
              let counts = bpf_object__find_map_by_name(obj, "counts"),
              let stats = bpf_object__find_map_by_name(obj, "stats"),
              let cpuState = bpf_object__find_map_by_name(obj, "cpu_state") else {
            throw Failure.fatal(ProbeError("BPF maps events/counts/stats/cpu_state missing from the embedded object: rebuild arptop"))
        }
        let ringSize = Self.ringBufferSize(options.ringBufferBytes)
        let rc = bpf_map__set_max_entries(events, ringSize)
        if rc != 0 {
            throw Failure.fatal(ProbeError(call: "bpf_map__set_max_entries(events, \(ringSize))", errno: rc, "choose another ring buffer size"))
        }

        // Load.
        clibbpf_log_clear()
        let loadRC = bpf_object__load(obj)
        if loadRC != 0 {
            throw Self.loadFailure(loadRC, wanted: wanted)
        }
        countsFD = bpf_map__fd(counts)
        statsFD = bpf_map__fd(stats)
        cpuStateFD = bpf_map__fd(cpuState)
        cpuStateValueSize = Int(bpf_map__value_size(cpuState))

        // Attach: return-side programs first, then entries.
        for role in [Role.exit, .entry] {
            for (function, candidate, plan) in plans where plan.role == role {
                guard let prog = programs[plan.name] else { continue }
                clibbpf_log_clear()
                let link: OpaquePointer?
                let call: String
                switch plan.hook {
                case .trampoline:
                    link = bpf_program__attach_trace(prog)
                    call = "bpf_program__attach_trace(\(plan.name))"
                case .kprobe(let symbol, let ret):
                    link = bpf_program__attach_kprobe(prog, ret, symbol)
                    call = "bpf_program__attach_kprobe(\(symbol)\(ret ? ", retprobe" : ""))"
                case .tracepoint(let category, let name):
                    link = bpf_program__attach_tracepoint(prog, category, name)
                    call = "bpf_program__attach_tracepoint(\(category):\(name))"
                }
                guard let link else {
                    let err = errno
                    throw Failure.function(function, "\(candidate.mechanism.rawValue): \(call): \(errnoName(err))")
                }
                if role == .entry { entryLinks.append(link) } else { exitLinks.append(link) }
                if case .trampoline = plan.hook {
                    programFDs.append((bpf_program__fd(prog), true))
                } else {
                    programFDs.append((bpf_program__fd(prog), false))
                }
            }
        }

        // Ring buffer reader.
        let ctx = Unmanaged.passUnretained(sink).toOpaque()
        guard let rb = ring_buffer__new(bpf_map__fd(events), ringBufferCallback, ctx, nil) else {
            let err = errno
            throw Failure.fatal(ProbeError(call: "ring_buffer__new", errno: err, "cannot read the events ring buffer"))
        }
        ring = rb
        ok = true
    }

    /// The kernel's `-i` name matches (rodata `log_ifname_count`, `log_ifnames`): the count in
    /// use and all `ARPTOP_LOG_IFNAMES_MAX` slots. Count 0 (log every interface) for no names,
    /// or for more names than the slots hold.
    static func logInterfaceMatches(_ names: Set<String>) -> (UInt32, [arptop_ifname_match]) {
        let slots = Int(ARPTOP_LOG_IFNAMES_MAX)
        var matches = [arptop_ifname_match](repeating: arptop_ifname_match(), count: slots)
        guard names.count <= slots else { return (0, matches) }
        for (i, name) in names.sorted().enumerated() {
            matches[i] = ifnameMatch(name)
        }
        return (UInt32(names.count), matches)
    }

    /// How the kernel matches `name` against a device's char[16] name: its bytes and NUL,
    /// masked (a name of 16 bytes or more keeps no room for the NUL and matches nothing).
    static func ifnameMatch(_ name: String) -> arptop_ifname_match {
        let size = Int(ARPTOP_IFNAMSIZ)
        let bytes = Array(name.utf8.prefix(size))
        var word = [UInt8](repeating: 0, count: size), mask = [UInt8](repeating: 0, count: size)
        for i in 0..<size where i <= bytes.count {
            if i < bytes.count { word[i] = bytes[i] }
            mask[i] = 0xff
        }
        var m = arptop_ifname_match()
        withUnsafeMutableBytes(of: &m.word) { $0.copyBytes(from: word) }
        withUnsafeMutableBytes(of: &m.mask) { $0.copyBytes(from: mask) }
        return m
    }

    /// Power of two, at least one page, at most 1 GiB (what BPF_MAP_TYPE_RINGBUF accepts).
    static func ringBufferSize(_ requested: UInt32) -> UInt32 {
        let page = UInt32(max(4096, sysconf(Int32(_SC_PAGESIZE))))
        var size = min(max(requested, page), 1 << 30)
        if size & (size - 1) != 0 { size = 1 << (32 - size.leadingZeroBitCount) }
        return size
    }

    /// Turn a failed bpf_object__load into a per-function failure when libbpf's log names the program.
    private static func loadFailure(_ rc: Int32, wanted: [String: (KernelFunction, Candidate)]) -> Failure {
        let lines = libbpfLogLines()
        for (name, (function, candidate)) in wanted.sorted(by: { $0.key < $1.key }) {
            guard lines.contains(where: { $0.contains("prog '\(name)': ") }) else { continue }
            return .function(function, "\(candidate.mechanism.rawValue): loading \(name) failed: \(errnoName(rc))\(verifierError(lines, program: name).map { " (\($0))" } ?? "")")
        }
        return .fatal(ProbeError(call: "bpf_object__load", errno: rc, detail: libbpfDetail(), "ARPTOP_LIBBPF_DEBUG=1 shows libbpf's log"))
    }

    /// The verifier's complaint about a program: the last line of its load log before the
    /// "processed N insns" summary; else libbpf's own last remark about the program.
    static func verifierError(_ lines: [String], program name: String) -> String? {
        if let begin = lines.lastIndex(where: { $0.contains("prog '\(name)': -- BEGIN PROG LOAD LOG --") }) {
            var last: String?
            for line in lines[(begin + 1)...] {
                if line.hasPrefix("processed ") || line.contains("-- END PROG LOAD LOG --") { break }
                last = line
            }
            if let last { return last }
        }
        let mine = lines.filter { $0.contains("prog '\(name)': ") && !$0.contains("PROG LOAD LOG") && !$0.contains("failed to load") }
        return mine.last.map { line in
            guard let r = line.firstRange(of: "prog '\(name)': ") else { return line }
            return String(line[r.upperBound...])
        }
    }

    /// Detach (entry programs first) and free everything. Idempotent.
    func close() {
        for link in entryLinks { bpf_link__destroy(link) }
        entryLinks = []
        for link in exitLinks { bpf_link__destroy(link) }
        exitLinks = []
        if let ring { ring_buffer__free(ring) }
        ring = nil
        if let object { bpf_object__close(object) }
        object = nil
    }

    deinit { close() }
}
