import ArptopABI
import ArptopCore
import CLibbpf
import Foundation

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
    let sink = EventSink()

    /// Why a load or attach attempt failed.
    enum Failure: Error {
        /// Only this function's current mechanism is at fault: drop it and retry without it.
        case function(KernelFunction, String)
        /// Nothing to retry (a broken object, no memory...).
        case fatal(ProbeError)
    }

    enum Role { case entry, exit }

    /// The object's program for a function, mechanism and role (names fixed by arptop_abi.h).
    static func programName(_ function: KernelFunction, _ mechanism: AttachMechanism, _ role: Role) -> String? {
        switch (mechanism, role) {
        case (.fentry, .entry): return "\(function.name)_fentry"
        case (.fentry, .exit): return "\(function.name)_fexit"
        case (.kprobe, .entry): return "\(function.name)_kprobe"
        case (.kprobe, .exit): return "\(function.name)_kretprobe"
        case (.tracepoint, .exit): return function == .fibLookup ? "fib_lookup_tp" : nil
        case (.tracepoint, .entry): return nil  // a tracepoint is a single, return-side program
        }
    }

    /// Open the embedded object, keep only the winners' programs, load, and attach
    /// (all return-side programs before any entry program, so no entry lacks its return).
    init(winners: [(KernelFunction, Candidate)], options: ProbeOptions) throws {
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
            throw Failure.fatal(ProbeError(
                "bpf_object__open_mem failed: \(errnoName(err))\(libbpfDetail().map { " (\($0))" } ?? ""): the embedded BPF object does not fit this kernel; ARPTOP_LIBBPF_DEBUG=1 shows libbpf's log"))
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
        var wanted: [String: (KernelFunction, Candidate, Role)] = [:]
        for (function, candidate) in winners {
            for role in [Role.exit, .entry] {
                guard let name = Self.programName(function, candidate.mechanism, role) else { continue }
                guard programs[name] != nil else {
                    throw Failure.fatal(ProbeError("BPF program \(name) missing from the embedded object: rebuild arptop"))
                }
                wanted[name] = (function, candidate, role)
            }
        }
        for (name, prog) in programs {
            bpf_program__set_autoload(prog, wanted[name] != nil)
        }

        // Settings (rodata) and the ring buffer size, before load.
        let fibCandidate = winners.first(where: { $0.0 == .fibLookup })?.1
        let fibIsReal = fibCandidate?.target == "fib_lookup"
        if fibIsReal, fibCandidate?.mechanism == .fentry {
            for role in [Role.entry, .exit] {
                if let name = Self.programName(.fibLookup, .fentry, role), let prog = programs[name] {
                    let rc = bpf_program__set_attach_target(prog, 0, "fib_lookup")
                    if rc != 0 { throw Failure.function(.fibLookup, "fentry: bpf_program__set_attach_target(fib_lookup): \(errnoName(rc))") }
                }
            }
        }
        var rate = options.logRatePerCPU
        var fibFlag: Bool = fibIsReal
        if clibbpf_set_rodata(obj, "log_rate_per_cpu", &rate, 8) != 0
            || clibbpf_set_rodata(obj, "fib_target_is_fib_lookup", &fibFlag, 1) != 0 {
            throw Failure.fatal(ProbeError("setting the BPF object's rodata failed: the embedded object does not match this loader; rebuild arptop"))
        }
        guard let events = bpf_object__find_map_by_name(obj, "events"),
              let counts = bpf_object__find_map_by_name(obj, "counts"),
              let stats = bpf_object__find_map_by_name(obj, "stats") else {
            throw Failure.fatal(ProbeError("BPF maps events/counts/stats missing from the embedded object: rebuild arptop"))
        }
        let ringSize = Self.ringBufferSize(options.ringBufferBytes)
        let rc = bpf_map__set_max_entries(events, ringSize)
        if rc != 0 {
            throw Failure.fatal(ProbeError("bpf_map__set_max_entries(events, \(ringSize)) failed: \(errnoName(rc)): choose another ring buffer size"))
        }

        // Load.
        clibbpf_log_clear()
        let loadRC = bpf_object__load(obj)
        if loadRC != 0 {
            throw Self.loadFailure(loadRC, wanted: wanted)
        }
        countsFD = bpf_map__fd(counts)
        statsFD = bpf_map__fd(stats)

        // Attach: returns first, then entries.
        for role in [Role.exit, .entry] {
            for (function, candidate) in winners {
                guard let name = Self.programName(function, candidate.mechanism, role), let prog = programs[name] else { continue }
                clibbpf_log_clear()
                let link: OpaquePointer?
                switch candidate.mechanism {
                case .fentry:
                    link = bpf_program__attach_trace(prog)
                case .kprobe:
                    link = bpf_program__attach_kprobe(prog, role == .exit, candidate.target)
                case .tracepoint:
                    link = bpf_program__attach_tracepoint(prog, AttachPlanner.tracepoint.category, AttachPlanner.tracepoint.name)
                }
                guard let link else {
                    let err = errno
                    let call = candidate.mechanism == .kprobe
                        ? "bpf_program__attach_kprobe(\(candidate.target)\(role == .exit ? ", ret" : ""))"
                        : candidate.mechanism == .fentry ? "bpf_program__attach_trace(\(name))" : "bpf_program__attach_tracepoint(\(candidate.target))"
                    throw Failure.function(function, "\(candidate.mechanism.rawValue): \(call): \(errnoName(err))")
                }
                if role == .entry { entryLinks.append(link) } else { exitLinks.append(link) }
            }
        }

        // Ring buffer reader.
        let ctx = Unmanaged.passUnretained(sink).toOpaque()
        guard let rb = ring_buffer__new(bpf_map__fd(events), ringBufferCallback, ctx, nil) else {
            let err = errno
            throw Failure.fatal(ProbeError("ring_buffer__new failed: \(errnoName(err)): cannot read the events ring buffer"))
        }
        ring = rb
        ok = true
    }

    /// Power of two, at least one page, at most 1 GiB (what BPF_MAP_TYPE_RINGBUF accepts).
    static func ringBufferSize(_ requested: UInt32) -> UInt32 {
        let page = UInt32(max(4096, sysconf(Int32(_SC_PAGESIZE))))
        var size = min(max(requested, page), 1 << 30)
        if size & (size - 1) != 0 { size = 1 << (32 - size.leadingZeroBitCount) }
        return size
    }

    /// Turn a failed bpf_object__load into a per-function failure when libbpf's log names the program.
    private static func loadFailure(_ rc: Int32, wanted: [String: (KernelFunction, Candidate, Role)]) -> Failure {
        let lines = libbpfLogLines()
        for (name, (function, candidate, _)) in wanted.sorted(by: { $0.key < $1.key }) {
            let mine = lines.filter { $0.contains("prog '\(name)': ") }
            guard !mine.isEmpty else { continue }
            let detail = mine.first(where: { !$0.contains("-- BEGIN") && !$0.contains("-- END") && !$0.contains("BPF program load failed") })
                .map { line -> String in
                    guard let r = line.range(of: "prog '\(name)': ") else { return line }
                    return String(line[r.upperBound...])
                }
            return .function(function, "\(candidate.mechanism.rawValue): loading \(name) failed: \(errnoName(rc))\(detail.map { " (\($0))" } ?? "")")
        }
        return .fatal(ProbeError(
            "bpf_object__load failed: \(errnoName(rc))\(libbpfDetail().map { " (\($0))" } ?? ""): ARPTOP_LIBBPF_DEBUG=1 shows libbpf's log"))
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
