import ArgumentParser
import ArptopCore
import FoundationEssentials
import Glibc
import KernelProbes

/// `arptop`: watch how the kernel handles ARP and the routing decisions behind it.
struct Arptop: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "arptop",
        abstract: "Live view of how the Linux kernel handles ARP: arp_process, ip_route_input_slow, fib_lookup, fib_validate_source.",
        discussion: """
            arptop attaches BPF programs to the four kernel functions behind ARP handling and shows, per \
            function, exact call counts (kept in the kernel, per interface and return value), a histogram \
            of decoded return values (EXDEV, RTN_LOCAL, ...) and a log of recent calls.

            Each function is probed with fentry/fexit where the kernel allows it, else kprobe/kretprobe, \
            else a tracepoint (fib:fib_table_lookup for fib_lookup). `arptop --probes` shows what this \
            kernel allows and why. Needs root, or CAP_BPF and CAP_PERFMON, and kernel BTF \
            (/sys/kernel/btf/vmlinux).

            Modes:
              arptop                       live TUI (press ? inside for every key)
              arptop --probes              how each function is attached here, or why not
              arptop --json [--duration S] NDJSON on stdout: attached, event, snapshot, netns, summary
              arptop --summary --duration 10   readable tables of the counts at exit
              arptop --replay FILE [--summary|--json]   a recording, on screen or analysed headless

            Examples:
              sudo arptop -i eth3
              sudo arptop --json --duration 30 | jq 'select(.type=="summary")'
              sudo arptop --summary --duration 10 -i eth0

            Exit status: 0 on success (also after Ctrl-C, SIGTERM or SIGHUP), 1 on a runtime error \
            (privileges, BTF, nothing attachable, an unreadable or bad recording, a --record or \
            --prometheus-textfile file that could not be written), 64 on bad usage.
            """,
        version: "arptop \(version) (libbpf \(KernelInfo.libbpfVersion()))"  // evaluated at run time: the linked libbpf
    )

    // MARK: modes

    @Flag(help: "Show how each function is probed on this kernel (fentry, kprobe, tracepoint) or why it is unavailable, then exit.")
    var probes = false

    @Flag(help: "Headless: write NDJSON records to stdout (attached, event, snapshot, netns, summary) instead of the TUI.")
    var json = false

    @Flag(help: "Headless: print the counts as readable tables at exit (after --duration or Ctrl-C).")
    var summary = false

    // MARK: scope

    @Option(name: [.short, .long], help: ArgumentHelp("Only this interface (repeatable). Counts, histograms and the log are all restricted.", valueName: "name"),
            completion: .shellCommand("ls /sys/class/net"))
    var interface: [String] = []

    @Option(help: ArgumentHelp("Stop after this many seconds (0 < S <= 2592000). Default: run until Ctrl-C.", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Event log records per second per CPU taken from the kernel (0 = unlimited). Counts are exact regardless; the screen and summary say how many log records were sampled out.", valueName: "n"))
    var logRate: UInt64 = 2000

    @Option(name: [.customShort("d"), .long], help: ArgumentHelp("Refresh interval in seconds for the screen, and for snapshot records in --json (0.1 to 10); -d as in top.", valueName: "seconds"))
    var refresh: Double = 1.0

    @Option(help: ArgumentHelp("Event log size: the newest N calls are kept in memory for the log pane (memory stays bounded; counts are unaffected).", valueName: "n"))
    var logSize: Int = 10_000

    // MARK: recordings

    @Option(help: ArgumentHelp("Also write the NDJSON stream (as --json) to FILE while running, flushed every refresh. Replay it with --replay.", valueName: "file"),
            completion: .file())
    var record: String?

    @Option(help: ArgumentHelp("Rotate the --record file to FILE.1 when it would pass this size (bytes; suffixes k, M, G).", valueName: "size"))
    var recordMaxSize: String?

    @Option(help: ArgumentHelp("Drive the live view from a recording made with --json or --record (no root, no BPF). Keys: > faster, < slower, . next snapshot, [ start, ] end. With --summary, --json or --prometheus-textfile: read it at full speed, no terminal.", valueName: "file"),
            completion: .file())
    var replay: String?

    @Flag(help: "Show the live view replaying a recording made on Debian's 6.1 kernel (embedded; loops). Needs no root and no BPF: a first look.")
    var demo = false

    // MARK: monitoring

    @Option(help: ArgumentHelp("Also write the kernel's counts (cumulative since attach, -i applies) to FILE in the Prometheus text format for node_exporter's textfile collector, atomically, every refresh and at exit. FILE must end in .prom.", valueName: "file"), completion: .file(extensions: ["prom"]))
    var prometheusTextfile: String?

    // MARK: testing hooks (hidden)

    @Option(help: .hidden)
    var btfPath: String = "/sys/kernel/btf/vmlinux"

    @Option(help: .hidden)
    var forceUnavailable: [String] = []

    @Option(help: .hidden)
    var disableMechanism: [String] = []

    mutating func validate() throws {
        if [probes, json, summary].filter({ $0 }).count > 1 {
            throw ValidationError("--probes, --json and --summary are different modes: choose one")
        }
        if let duration {
            guard duration.isFinite, duration > 0 else { throw ValidationError("--duration must be a positive number of seconds, not \(duration)") }
            guard duration <= 30 * 24 * 3600 else { throw ValidationError("--duration \(duration) is more than 30 days; leave it out to run until Ctrl-C") }
        }
        guard refresh.isFinite, refresh >= 0.1, refresh <= 10 else {
            throw ValidationError("--refresh must be between 0.1 and 10 seconds, not \(refresh)")
        }
        for name in interface {
            guard !name.isEmpty, name.utf8.count < 16, !name.contains("/") else {
                throw ValidationError("'\(name)' is not a valid interface name")
            }
            guard replay != nil || demo || FileManager.default.fileExists(atPath: "/sys/class/net/\(name)") else {  // a recording names its own interfaces
                throw ValidationError("no interface named '\(name)' in this network namespace (see `ip link`)")
            }
        }
        guard logSize >= 100, logSize <= 1_000_000 else {
            throw ValidationError("--log-size must be between 100 and 1000000 events, not \(logSize)")
        }
        if let recordMaxSize, Self.parseSize(recordMaxSize) == nil {
            throw ValidationError("--record-max-size: '\(recordMaxSize)' is not a size (e.g. 50M, 1G, 1048576)")
        }
        if recordMaxSize != nil && record == nil {
            throw ValidationError("--record-max-size needs --record FILE")
        }
        if demo {
            if probes || json || summary || replay != nil || record != nil {
                throw ValidationError("--demo shows the live view from its own recording; it cannot be combined with --probes, --json, --summary, --replay or --record")
            }
        }
        if replay != nil {
            // A missing or unreadable file is a runtime error (exit 1), with the reason, when opened.
            if probes { throw ValidationError("--replay reads a recording; it cannot be combined with --probes") }
            if record != nil && (json || summary) {
                throw ValidationError("--record does not apply to a headless --replay (use --json > FILE)")
            }
            if duration != nil && (json || summary) {
                throw ValidationError("--duration does not apply to a headless --replay (it reads the whole recording)")
            }
        }
        if probes && record != nil { throw ValidationError("--record does not apply to --probes") }
        if let prometheusTextfile {
            if probes { throw ValidationError("--prometheus-textfile exports counts; it does not apply to --probes") }
            if replay != nil && !(json || summary) {
                throw ValidationError("--prometheus-textfile with --replay needs --summary or --json (a headless replay)")
            }
            guard prometheusTextfile.hasSuffix(".prom") else {
                throw ValidationError("--prometheus-textfile: '\(prometheusTextfile)' must end in .prom (node_exporter's textfile collector reads only *.prom)")
            }
            let directory = folder(of: prometheusTextfile)
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory else {
                throw ValidationError("--prometheus-textfile: no directory '\(directory)' (use node_exporter's --collector.textfile.directory)")
            }
        }
        for f in forceUnavailable where KernelFunction(name: f) == nil {
            throw ValidationError("--force-unavailable: unknown function '\(f)'")
        }
        for m in disableMechanism where AttachMechanism(rawValue: m) == nil {
            throw ValidationError("--disable-mechanism: unknown mechanism '\(m)' (fentry, kprobe, tracepoint)")
        }
    }

    /// The options whose value is a number: `--duration -5` must reach validation as a
    /// negative number ("must be positive"), not as a missing value followed by an option `-5`.
    static let numericOptions: Set<String> = ["--duration", "--refresh", "-d", "--log-rate", "--log-size"]

    /// `arguments` with `--duration -5` joined to `--duration=-5` (and `-d -5` to `-d=-5`...).
    static func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { out += arguments[i...]; break }
            if numericOptions.contains(a), i + 1 < arguments.count, arguments[i + 1].count > 1,
               arguments[i + 1].hasPrefix("-"), Double(arguments[i + 1]) != nil {
                out.append("\(a == "-d" ? "--refresh" : a)=\(arguments[i + 1])")
                i += 2
                continue
            }
            out.append(a)
            i += 1
        }
        return out
    }

    /// "50M" -> 52428800. Plain numbers are bytes.
    static func parseSize(_ text: String) -> UInt64? {
        let units: [Character: UInt64] = ["k": 1 << 10, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(text)
        var unit: UInt64 = 1
        if let last = text.last, let u = units[last] { unit = u; digits = text.dropLast() }
        guard let n = UInt64(digits), n > 0 else { return nil }
        let (v, overflow) = n.multipliedReportingOverflow(by: unit)
        return overflow ? nil : v
    }

    var probeOptions: ProbeOptions {
        var o = ProbeOptions()
        o.btfPath = btfPath
        o.logRatePerCPU = logRate
        o.logInterfaces = Set(interface)  // -i decides what the kernel spends the log budget on
        o.forceUnavailable = Set(forceUnavailable.compactMap(KernelFunction.init(name:)))
        o.disabledMechanisms = Set(disableMechanism.compactMap(AttachMechanism.init(rawValue:)))
        return o
    }

    func run() throws {
        Signals.install()
        if probes {
            try ProbesMode(options: probeOptions).run()
        } else if let replay, json || summary || prometheusTextfile != nil {
            try HeadlessReplay(
                path: replay, format: json ? .json : .text, interfaces: Set(interface),
                prometheusTextfile: prometheusTextfile
            ).run()
        } else if json || summary {
            try HeadlessMode(
                options: probeOptions, format: json ? .json : .text, interfaces: Set(interface),
                duration: duration, snapshotInterval: refresh,
                recordPath: record, recordMaxBytes: recordMaxSize.flatMap(Self.parseSize),
                prometheusTextfile: prometheusTextfile
            ).run()
        } else {
            let source: LiveMode.Source
            if demo {
                source = .replay(path: try DemoRecording.path(), loop: true, label: "DEMO: a recording from Debian 6.1, not this machine")
            } else if let replay {
                source = .replay(path: replay, loop: false, label: nil)
            } else {
                source = .kernel(probeOptions)
            }
            try LiveMode(
                source: source, interfaces: Set(interface), duration: duration, refresh: refresh,
                recordPath: record, recordMaxBytes: recordMaxSize.flatMap(Self.parseSize), logCapacity: logSize,
                prometheusTextfile: prometheusTextfile
            ).run()
        }
    }
}

/// A runtime failure the operator can act on: printed as one line, exit status 1.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
