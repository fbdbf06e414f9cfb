import ArptopCore
import CLibbpf
import FoundationEssentials
import Glibc

/// One way to attach a function's probes: a mechanism and the kernel symbol or tracepoint.
struct Candidate: Equatable {
    let mechanism: AttachMechanism
    /// Kernel symbol (fentry, kprobe) or "category:name" (tracepoint).
    let target: String
}

/// The planner's state for one function: the mechanism it currently bets on, the ones
/// left to try, and a short true note for each one that lost.
struct FunctionPlan {
    let function: KernelFunction
    var untried: [AttachMechanism]
    var notes: [String] = []
    var current: Candidate?

    var status: ProbeStatus {
        ProbeStatus(
            function: function, mechanism: current?.mechanism, target: current?.target,
            reason: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }
}

/// Decides, by trying rather than by kernel version, how each function can be probed:
/// 1. fentry/fexit: the function is a FUNC in the kernel's BTF and a test fexit program
///    loads and attaches to it (as libbpf-tools' `fentry_can_attach` does);
/// 2. kprobe/kretprobe: the kernel has kprobes and the exact symbol is in /proc/kallsyms;
/// 3. tracepoint `fib:fib_table_lookup` (the fib_lookup pane only), mounting tracefs if needed.
final class AttachPlanner {
    private let options: ProbeOptions
    private let btf: KernelBTF

    init(options: ProbeOptions, btf: KernelBTF) {
        self.options = options
        self.btf = btf
    }

    static let tracepoint = (category: "fib", name: "fib_table_lookup")

    /// A plan positioned on the first mechanism that looks usable.
    func initialPlan(for function: KernelFunction) -> FunctionPlan {
        var mechanisms: [AttachMechanism] = [.fentry, .kprobe]
        if function == .fibLookup { mechanisms.append(.tracepoint) }
        var plan = FunctionPlan(function: function, untried: mechanisms)
        if options.forceUnavailable.contains(function) {
            plan.untried = []
            plan.notes = ["forced unavailable by options"]
            return plan
        }
        advance(&plan)
        return plan
    }

    /// Record why the current mechanism failed and move on to the next usable one.
    func fail(_ plan: inout FunctionPlan, reason: String) {
        plan.notes.append(reason)
        plan.current = nil
        advance(&plan)
    }

    private func advance(_ plan: inout FunctionPlan) {
        plan.current = nil
        while !plan.untried.isEmpty {
            let mechanism = plan.untried.removeFirst()
            if options.disabledMechanisms.contains(mechanism) {
                plan.notes.append("\(mechanism.rawValue): disabled by options")
                continue
            }
            switch evaluate(mechanism, for: plan.function) {
            case .success(let candidate):
                plan.current = candidate
                return
            case .failure(let reason):
                plan.notes.append(reason.text)
            }
        }
    }

    struct Rejection: Error { let text: String }

    private func evaluate(_ mechanism: AttachMechanism, for function: KernelFunction) -> Result<Candidate, Rejection> {
        switch mechanism {
        case .fentry: return evaluateFentry(function)
        case .kprobe: return evaluateKprobe(function)
        case .tracepoint: return evaluateTracepoint()
        }
    }

    // MARK: fentry

    /// fib_lookup is a static inline on modern kernels; a real `fib_lookup(struct net *, ...)`
    /// is preferred where the kernel has one, else fib_table_lookup.
    private func btfSymbol(_ function: KernelFunction) -> String? {
        guard function == .fibLookup else { return btf.functionID(function.name) == nil ? nil : function.name }
        if let id = btf.functionID("fib_lookup"), btf.pointeeStructName(ofFunction: id, parameter: 0) == "net" {
            return "fib_lookup"
        }
        return btf.functionID("fib_table_lookup") == nil ? nil : "fib_table_lookup"
    }

    private func evaluateFentry(_ function: KernelFunction) -> Result<Candidate, Rejection> {
        guard let symbol = btfSymbol(function), let id = btf.functionID(symbol) else {
            return .failure(Rejection(text: "fentry: not in kernel BTF"))
        }
        var stage: Int32 = 0
        let rc = clibbpf_probe_trampoline(Int32(id), 1, &stage)
        if rc == 0 { return .success(Candidate(mechanism: .fentry, target: symbol)) }
        let name = errnoName(rc)
        if stage == 0 && -rc == EPERM {
            return .failure(Rejection(text: "fentry: EPERM (tracing programs refused\(Self.lockdownNote))"))
        }
        let args = btf.parameterCount(ofFunction: id)
        if stage == 1 && -rc == 524 && args > 6 {
            return .failure(Rejection(text: "fentry: ENOTSUPP (\(symbol) has \(args) arguments, too many for this kernel's BPF trampolines)"))
        }
        return .failure(Rejection(text: "fentry: \(name) (\(stage == 0 ? "loading" : "attaching") a test fexit program)"))
    }

    /// "; kernel lockdown=integrity" when lockdown is on, else "; kernel lockdown?" when unknown.
    static var lockdownNote: String {
        guard let text = try? String(contentsOfFile: "/sys/kernel/security/lockdown", encoding: .utf8) else {
            return "; kernel lockdown?"
        }
        guard let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]"), open < close else {
            return "; kernel lockdown?"
        }
        let mode = text[text.index(after: open)..<close]
        return mode == "none" ? "" : "; kernel lockdown=\(mode)"
    }

    // MARK: kprobe

    /// The kernel variables the programs find the CPU's preempt_count through (see
    /// irq_context() in arptop.bpf.c).
    static let preemptCountVariables: Set<String> = ["__per_cpu_offset", "__preempt_count", "pcpu_hot"]

    /// One read of /proc/kallsyms for every name arptop looks up there: the functions' symbols
    /// (kprobes) and the preempt_count variables.
    private lazy var kallsyms: Result<Set<String>, Rejection> = Self.readKallsyms(
        names: Set(KernelFunction.allCases.flatMap(BTFNaming.symbols(of:))).union(Self.preemptCountVariables))

    /// Whether the programs can read the CPU's preempt_count: its variables are in
    /// /proc/kallsyms (kernel variables are listed with CONFIG_KALLSYMS_ALL). Without them the
    /// softirq tracepoints tell softirq from task context instead.
    var preemptCountReadable: Bool {
        guard case .success(let found) = kallsyms else { return false }
        return found.contains("__per_cpu_offset") && (found.contains("__preempt_count") || found.contains("pcpu_hot"))
    }

    private lazy var hasKprobes: Bool = {
        let fm = FileManager.default
        return fm.fileExists(atPath: "/sys/bus/event_source/devices/kprobe/type")
            || fm.fileExists(atPath: "/sys/kernel/tracing/kprobe_events")
            || fm.fileExists(atPath: "/sys/kernel/debug/tracing/kprobe_events")
    }()

    private func evaluateKprobe(_ function: KernelFunction) -> Result<Candidate, Rejection> {
        guard hasKprobes else { return .failure(Rejection(text: "kprobe: kernel has no kprobe support")) }
        let symbols: Set<String>
        switch kallsyms {
        case .success(let s): symbols = s
        case .failure(let r): return .failure(r)
        }
        var symbol = function.name
        if function == .fibLookup {
            // A real fib_lookup only if it has the fib_lookup(struct net *, ...) shape.
            let btfShapeOK = btf.functionID("fib_lookup").map {
                btf.pointeeStructName(ofFunction: $0, parameter: 0) == "net"
            } ?? true
            symbol = symbols.contains("fib_lookup") && btfShapeOK ? "fib_lookup" : "fib_table_lookup"
        }
        guard symbols.contains(symbol) else {
            return .failure(Rejection(text: "kprobe: \(symbol) not in /proc/kallsyms (inlined or renamed)"))
        }
        return .success(Candidate(mechanism: .kprobe, target: symbol))
    }

    /// The subset of `names` that /proc/kallsyms lists exactly (a `.isra`/`.constprop` copy does not count).
    static func readKallsyms(names: Set<String>) -> Result<Set<String>, Rejection> {
        guard let data = readFileToEnd("/proc/kallsyms") else {
            return .failure(Rejection(text: "kprobe: cannot read /proc/kallsyms: \(errnoName(errno))"))
        }
        let wanted = Set(names.map { Array($0.utf8) })
        let lengths = Set(wanted.map(\.count))
        var found = Set<String>()
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            // Lines: "ADDRESS TYPE NAME[\t[MODULE]]\n"; the name is the third field.
            var fieldStart = 0, field = 0
            var i = 0
            let n = raw.count
            while i <= n {
                let c: UInt8 = i < n ? raw[i] : 10
                if c == 32 || c == 9 || c == 10 {
                    if field == 2 && lengths.contains(i - fieldStart) {
                        let name = Array(raw[fieldStart..<i])
                        if wanted.contains(name) { found.insert(String(decoding: name, as: UTF8.self)) }
                    }
                    field += 1
                    fieldStart = i + 1
                    if c == 10 { field = 0 }
                }
                i += 1
            }
        }
        return .success(found)
    }

    // MARK: tracepoint

    /// The tracefs root libbpf 1.1 uses: debugfs's tracing directory if present, else /sys/kernel/tracing.
    static var libbpfTracefs: String {
        FileManager.default.fileExists(atPath: "/sys/kernel/debug/tracing") ? "/sys/kernel/debug/tracing" : "/sys/kernel/tracing"
    }

    private func evaluateTracepoint() -> Result<Candidate, Rejection> {
        let fm = FileManager.default
        let root = Self.libbpfTracefs
        let event = "\(root)/events/\(Self.tracepoint.category)/\(Self.tracepoint.name)"
        if !fm.fileExists(atPath: "\(root)/events") && root == "/sys/kernel/tracing" {
            // tracefs is not mounted; libbpf reads tracepoint ids from it.
            if mount("nodev", root, "tracefs", 0, nil) != 0 {
                return .failure(Rejection(text: "tracepoint: tracefs not mounted and mount(\(root)) failed: \(errnoName(errno))"))
            }
        }
        guard fm.fileExists(atPath: event) else {
            return .failure(Rejection(text: "tracepoint: no \(Self.tracepoint.category):\(Self.tracepoint.name) in \(root)/events"))
        }
        return .success(Candidate(mechanism: .tracepoint, target: "\(Self.tracepoint.category):\(Self.tracepoint.name)"))
    }
}
