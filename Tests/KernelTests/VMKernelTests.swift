import Foundation
import Testing

/// The kernel matrix: Debian's 5.10 (bullseye), 6.1 (bookworm), 6.12 (trixie) and newest 7.x
/// (trixie-backports), booted under QEMU/virtme-ng (Tests/vm/kernels.sh fetches them). Every
/// kernel runs the same scenarios (Tests/vm/guest-scenarios.sh, guest-verdicts.sh,
/// guest-logbudget.sh); 6.1 also runs the reliability suite and the soak. Each kernel boots
/// once per test process, one at a time, the first time a test asks for it.
enum VMRun {
    /// The names Tests/vm/kernels.sh knows, oldest first.
    static let kernels = ["5.10", "6.1", "6.12", "7"]
    /// The kernel that also runs guest-reliability and guest-soak (the suites that are not
    /// about kernel differences, and that would not fit CI's time four times over).
    static let fullKernel = "6.1"

    static var repo: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static let vmPrerequisitesPresent: Bool = {
        let haveVng = (try? run(["sh", "-c", "command -v vng && command -v qemu-system-x86_64"]).status) == 0
        return haveVng && Environment.isRoot
    }()

    /// Why the VM suites cannot run here; nil when they can.
    static let missingPrerequisite: String? = vmPrerequisitesPresent
        ? nil : "needs root, vng (PyPI virtme-ng) and qemu-system-x86: run Tests/quickstart.sh test"

    /// Run in CI always (a missing VM then fails); elsewhere only when the VM can boot.
    static var shouldRun: Bool { Environment.isCI || vmPrerequisitesPresent }

    static let lock = NSLock()  // also taken by VMPackageTests: VM boots never overlap
    nonisolated(unsafe) private static var outcomes: [String: Result<URL, HarnessError>] = [:]

    /// Boots `kernel` (once; VM boots never overlap) and returns its artifact directory.
    static func outcome(_ kernel: String) -> Result<URL, HarnessError> {
        lock.lock()
        defer { lock.unlock() }
        if let known = outcomes[kernel] { return known }
        let result = boot(kernel)
        outcomes[kernel] = result
        return result
    }

    private static func boot(_ kernel: String) -> Result<URL, HarnessError> {
        guard vmPrerequisitesPresent else {
            return .failure(HarnessError("VM prerequisites missing (root, vng from PyPI virtme-ng, qemu): run Tests/quickstart.sh test"))
        }
        let out = repo.appending(path: ".build/vm-out-\(kernel)")
        // Developers iterating on assertions may reuse the last boot's artifacts; CI never does.
        if ProcessInfo.processInfo.environment["ARPTOP_VM_REUSE"] == "1" && !Environment.isCI
            && FileManager.default.fileExists(atPath: out.appending(path: "complete").path) {
            return .success(out)
        }
        var env = ProcessInfo.processInfo.environment
        if kernel != fullKernel { env["ARPTOP_VM_ONLY"] = "guest-logbudget,guest-scenarios,guest-verdicts" }
        do {
            let r = try run([repo.appending(path: "Tests/vm/run-vm-tests.sh").path, ArptopBinary.path, out.path, kernel],
                            environment: env)
            guard r.status == 0 else { return .failure(HarnessError("VM run on \(kernel) failed (\(r.status)): \(r.stderr)")) }
        } catch {
            return .failure(HarnessError("cannot start VM harness: \(error)"))
        }
        return .success(out)
    }

    static func dir(_ kernel: String = fullKernel) throws -> URL { try outcome(kernel).get() }

    static func text(_ name: String, kernel: String = fullKernel) throws -> String {
        try String(contentsOf: dir(kernel).appending(path: name), encoding: .utf8)
    }

    static func json(_ name: String, kernel: String) throws -> JSONObject {
        try #require(JSONSerialization.jsonObject(with: Data(text(name, kernel: kernel).utf8)) as? JSONObject, "\(name) on \(kernel)")
    }

    static func int(_ key: String, kernel: String = fullKernel) throws -> Int {
        try #require((json("topology.json", kernel: kernel)[key] as? NSNumber)?.intValue, "topology.json lacks \(key)")
    }

    static func summary(_ scenario: String, kernel: String = fullKernel) throws -> Summary {
        let rc = try text("\(scenario).rc", kernel: kernel).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(rc == "0", "arptop --json exited \(rc) in scenario \(scenario) on \(kernel): \((try? text("\(scenario).stderr", kernel: kernel)) ?? "")")
        return try Summary(ndjson: text("\(scenario).ndjson", kernel: kernel))
    }

    /// "Received 5 response(s)" from iputils arping.
    static func arpingReplies(_ scenario: String, kernel: String = fullKernel) throws -> Int {
        let out = try text("\(scenario).arping", kernel: kernel)
        guard let line = out.split(separator: "\n").first(where: { $0.hasPrefix("Received") }),
              let n = Int(line.split(separator: " ")[1]) else { return 0 }
        return n
    }
}

/// What a kernel's own BTF says about the returns the scenarios expect (read in the guest by
/// guest-scenarios.sh with bpftool, not derived from the kernel's version).
struct KernelFacts {
    let release: String
    /// ip_route_input_slow returns `enum skb_drop_reason` (6.13+), not an errno.
    let routeInputReturnsDropReasons: Bool
    /// SKB_DROP_REASON_IP_RPFILTER's value in this kernel; -1 when it has none.
    let ipRPFilter: Int

    init(kernel: String) throws {
        let facts = try VMRun.json("kernel-facts.json", kernel: kernel)
        release = facts["release"] as? String ?? ""
        routeInputReturnsDropReasons = facts["route_input_return_kind"] as? String == "ENUM"
        ipRPFilter = (facts["ip_rpfilter"] as? NSNumber)?.intValue ?? -1
    }

    /// The raw returns of a strict rp_filter reject: -EXDEV from both functions before 6.13;
    /// from 6.13 the drop reason, negated by fib_validate_source.
    var rpFilterReturns: (validateSource: Int, routeInput: Int) {
        routeInputReturnsDropReasons ? (-ipRPFilter, ipRPFilter) : (-18, -18)
    }
}

@Suite("Debian kernels in a VM: 5.10, 6.1, 6.12, 7.x", .serialized,
       .enabled(if: VMRun.shouldRun, Comment(rawValue: VMRun.missingPrerequisite ?? "")))
struct VMKernelTests {
    @Test("the VM booted and ran every scenario", arguments: VMRun.kernels)
    func vmCompleted(kernel: String) throws {
        _ = try VMRun.dir(kernel)
        let facts = try KernelFacts(kernel: kernel)
        #expect(facts.release.hasPrefix(kernel == "7" ? "7." : kernel + "."), "booted \(facts.release) for \(kernel)")
    }

    @Test("--probes: every function attached, fentry unless the kernel refused it (and says why)", arguments: VMRun.kernels)
    func probes(kernel: String) throws {
        let text = try VMRun.text("probes.txt", kernel: kernel)
        #expect(try VMRun.text("probes.rc", kernel: kernel).hasPrefix("0"), "\(text)")
        let lines = text.split(separator: "\n").map(String.init)
        func line(_ f: String) -> String { lines.first { $0.hasPrefix(f + " ") || $0.hasPrefix(f + ":") } ?? "" }
        for f in ["arp_process", "ip_route_input_slow", "fib_lookup", "fib_validate_source"] {
            let l = line(f)
            let mechanism = l.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
            #expect(mechanism == "fentry" || mechanism == "kprobe", "\(f) on \(kernel): \(text)")
            // fentry is tried first: a kprobe is there only because the kernel refused fentry, and the line says why.
            if mechanism == "kprobe" { #expect(l.contains("fentry:"), "\(f) on \(kernel) lost fentry without a reason: \(l)") }
        }
        #expect(line("fib_lookup").contains("fib_table_lookup"), "fib_lookup is inline: \(text)")
        #expect(line("arp_process").contains("fentry"), "BTF trampolines work for 3-argument functions on every kernel: \(text)")
        #expect(line("verdicts").contains("fentry") && line("verdicts").contains("arp_xmit, inet_confirm_addr, pneigh_enqueue, neigh:neigh_update"),
                "every kernel of the matrix gives verdicts: \(text)")
    }

    @Test("scenario 1: requests for a local address are counted exactly and answered", arguments: VMRun.kernels)
    func localRequests(kernel: String) throws {
        let n = try VMRun.int("packets", kernel: kernel)
        let root = try VMRun.int("root_netns", kernel: kernel), t1 = try VMRun.int("t1_netns", kernel: kernel)
        let s = try VMRun.summary("local", kernel: kernel)
        #expect(try VMRun.arpingReplies("local", kernel: kernel) == n)
        #expect(s.count("arp_process", interface: "va", netns: root) == n)
        #expect(s.count("ip_route_input_slow", interface: "va", netns: root, ret: 0) == n)
        #expect(s.count("ip_route_input_slow", interface: "va", netns: root) == n)
        #expect(s.count("fib_lookup", interface: "va", netns: root, ret: 0, routeType: "RTN_LOCAL") == n)
        #expect(s.count("fib_validate_source", interface: "va", netns: root, ret: 0) == n)
        // The replies reach arp_process on the peer, in the peer's namespace.
        #expect(s.count("arp_process", interface: "vb", netns: t1) == n)
        // Verdicts: every request answered; arping's replies reach t1's kernel unasked (arping
        // uses a packet socket), so t1 ignores them with arp_accept=0.
        #expect(s.packets(verdict: "replied", interface: "va", netns: root) == n)
        #expect(s.packets(interface: "va") == n)
        #expect(s.packets(verdict: "reply_ignored", interface: "vb", netns: t1) == n)
        let events = try parseNDJSON(VMRun.text("local.ndjson", kernel: kernel)).filter { $0["type"] as? String == "event" }
        let requests = events.filter { $0["function"] as? String == "arp_process" && $0["interface"] as? String == "va" }
        #expect(requests.count == n)
        #expect(requests.allSatisfy { $0["arp_op"] as? String == "request" && $0["target_ip"] as? String == "10.77.0.1" && $0["sender_ip"] as? String == "10.77.0.2" })
        let replies = events.filter { $0["function"] as? String == "arp_process" && $0["interface"] as? String == "vb" }
        #expect(replies.count == n)
        #expect(replies.allSatisfy { $0["arp_op"] as? String == "reply" && $0["sender_ip"] as? String == "10.77.0.1" })
    }

    @Test("scenario 2: requests for a non-local address are counted, routed as unicast, not answered", arguments: VMRun.kernels)
    func nonLocalRequests(kernel: String) throws {
        let n = try VMRun.int("packets", kernel: kernel)
        let root = try VMRun.int("root_netns", kernel: kernel)
        let s = try VMRun.summary("nonlocal", kernel: kernel)
        #expect(try VMRun.arpingReplies("nonlocal", kernel: kernel) == 0)
        #expect(s.count("arp_process", interface: "va", netns: root) == n)
        #expect(s.count("arp_process", interface: "vb") == 0)
        // Forwarding is off: ip_route_input_slow builds an RTN_UNREACHABLE route and returns 0
        // (6.1 route.c: `no_route` jumps to `local_input`, which resets err); arp_process then
        // sees a non-local route type and does not answer.
        #expect(s.count("ip_route_input_slow", interface: "va", netns: root, ret: 0) == n)
        #expect(s.count("ip_route_input_slow", interface: "va") == n)
        #expect(s.count("fib_lookup", interface: "va", ret: 0, routeType: "RTN_UNICAST") == n)
        #expect(s.count("fib_lookup", interface: "va", routeType: "RTN_LOCAL") == 0)
        #expect(s.count("fib_validate_source", interface: "va") == 0)
        #expect(s.packets(verdict: "not_local", interface: "va", netns: root) == n)
        #expect(s.packets(interface: "va") == n)
    }

    @Test("scenario 3: strict rp_filter rejects in fib_validate_source and ip_route_input_slow, named IP_RPFILTER on every kernel", arguments: VMRun.kernels)
    func rpFilter(kernel: String) throws {
        let n = try VMRun.int("packets", kernel: kernel)
        let s = try VMRun.summary("rpfilter", kernel: kernel)
        #expect(try VMRun.arpingReplies("rpfilter", kernel: kernel) == 0)
        #expect(s.count("arp_process", interface: "va") == n)
        let raw = try KernelFacts(kernel: kernel).rpFilterReturns
        #expect(s.count("fib_validate_source", interface: "va", ret: raw.validateSource, returnName: "IP_RPFILTER") == n)
        #expect(s.count("ip_route_input_slow", interface: "va", ret: raw.routeInput, returnName: "IP_RPFILTER") == n)
        #expect(s.count("fib_validate_source", interface: "va") == n)
        // The forward lookup finds the local address; the reverse-path lookup routes via vc.
        #expect(s.count("fib_lookup", interface: "va", routeType: "RTN_LOCAL") == n)
        // The reverse-path lookup (iif lo) is attributed to va, the device being validated.
        #expect(s.count("fib_lookup", interface: "va", routeType: "RTN_UNICAST") == n)
        let events = try parseNDJSON(VMRun.text("rpfilter.ndjson", kernel: kernel)).filter {
            $0["type"] as? String == "event" && $0["function"] as? String == "arp_process" && $0["interface"] as? String == "va"
        }
        #expect(events.count == n)
        #expect(events.allSatisfy { ($0["rp_filter"] as? NSNumber)?.intValue == 1 && $0["sender_ip"] as? String == "10.88.0.5" })
        // The verdict: rp_filter, with the kernel's reason named alike on every kernel, and the
        // interface the route back to the sender leaves by (vc, not va).
        #expect(s.packets(verdict: "rp_filter", interface: "va", reason: "IP_RPFILTER") == n)
        #expect(s.packets(interface: "va") == n)
        #expect(events.allSatisfy { $0["verdict"] as? String == "rp_filter" && ($0["reverse_route"] as? JSONObject)?["interface"] as? String == "vc" },
                "\(events.first ?? [:])")
    }

    @Test("-i restricts counts and events to the named interface", arguments: VMRun.kernels)
    func interfaceFilter(kernel: String) throws {
        let n = try VMRun.int("packets", kernel: kernel)
        let s = try VMRun.summary("filtered", kernel: kernel)
        #expect(try VMRun.arpingReplies("filtered-va", kernel: kernel) == n)
        #expect(try VMRun.arpingReplies("filtered-vc", kernel: kernel) == n)
        #expect(s.count("arp_process", interface: "vc") == n)
        for f in ["arp_process", "ip_route_input_slow", "fib_lookup", "fib_validate_source"] {
            let others = s.rows(f).filter { $0["interface"] as? String != "vc" }
            #expect(others.isEmpty, "\(f) has rows for other interfaces: \(others)")
        }
        let events = try parseNDJSON(VMRun.text("filtered.ndjson", kernel: kernel)).filter { $0["type"] as? String == "event" }
        #expect(!events.isEmpty)
        #expect(events.allSatisfy { $0["interface"] as? String == "vc" })
    }

    @Test("scenario 6: with an ip rule, every lookup misses the local table (255) and hits main (254); misses are no errors",
          arguments: VMRun.kernels)
    func tableMisses(kernel: String) throws {
        let n = try VMRun.int("packets", kernel: kernel)
        let s = try VMRun.summary("rules", kernel: kernel)
        #expect(try VMRun.arpingReplies("rules", kernel: kernel) == 0)
        #expect(s.count("arp_process", interface: "va") == n)
        #expect(s.count("fib_lookup", interface: "va", ret: -11, returnName: "miss", table: 255) == n, "\(s.rows("fib_lookup"))")
        #expect(s.count("fib_lookup", interface: "va", ret: 0, routeType: "RTN_UNICAST", table: 254) == n, "\(s.rows("fib_lookup"))")
        #expect(s.count("fib_lookup", interface: "va") == 2 * n)
    }

    @Test("scenario 7: route lookups in task context in one netns and ARP in softirqs in another keep their own rows",
          arguments: VMRun.kernels)
    func taskAndSoftirqApart(kernel: String) throws {
        let n = try VMRun.int("packets", kernel: kernel)
        let root = try VMRun.int("root_netns", kernel: kernel), t2 = try VMRun.int("t2_netns", kernel: kernel)
        let k = try #require(Int(VMRun.text("mixed.routegets", kernel: kernel).trimmingCharacters(in: .whitespacesAndNewlines)))
        let s = try VMRun.summary("mixed", kernel: kernel)
        #expect(try VMRun.arpingReplies("mixed", kernel: kernel) == 4 * n)
        #expect(s.count("arp_process", interface: "va", netns: root) == 4 * n)
        #expect(s.count("ip_route_input_slow", interface: "va", netns: root, ret: 0) == 4 * n)
        #expect(s.count("fib_validate_source", interface: "va", netns: root, ret: 0) == 4 * n)
        #expect(s.count("fib_lookup", interface: "va", netns: root, routeType: "RTN_LOCAL") == 4 * n)
        // Each `ip route get 10.88.0.2 from 10.88.0.1 iif vd` is one input route decision on vd in t2.
        #expect(s.count("ip_route_input_slow", interface: "vd", netns: t2, ret: 0) == k, "\(s.rows("ip_route_input_slow"))")
        #expect(s.count("fib_validate_source", interface: "vd", netns: t2, ret: 0) == k, "\(s.rows("fib_validate_source"))")
        #expect(s.count("fib_lookup", netns: t2, routeType: "RTN_LOCAL") == k, "\(s.rows("fib_lookup"))")
        // Nothing of t2's lookups in the root netns, nothing of va's in t2.
        #expect(s.count("fib_validate_source", interface: "vd", netns: root) == 0)
        #expect(s.count("fib_validate_source", interface: "va", netns: t2) == 0)
    }

    @Test("scenario 8: a flood on the CPU that reads the maps every 0.1 s is counted exactly, or the skips are reported",
          arguments: VMRun.kernels)
    func pinnedFloodWithFastRefresh(kernel: String) throws {
        let flood = try VMRun.text("pinned-flood.txt", kernel: kernel)
        let sentField = try #require(flood.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix("sent=") }, "\(flood)")
        let sent = try #require(Int(sentField.dropFirst(5)))
        #expect(sent == 20000, "\(flood)")
        let s = try VMRun.summary("pinned", kernel: kernel)
        let missed = (s.record["runs_missed"] as? NSNumber)?.intValue ?? -1
        let exact = s.record["runs_missed_exact"] as? Bool ?? false
        let counted = s.count("arp_process", interface: "va")
        if exact {
            // Every skipped run is reported: counted + skipped covers each request (a skipped
            // fentry and fexit of one call count as two).
            #expect(counted <= sent && counted + missed >= sent, "counted \(counted), missed \(missed) of \(sent)")
        } else {
            #expect(counted == sent, "counted \(counted) of \(sent); this kernel does not report skipped kprobe runs")
        }
        #expect(counted == sent, "rare enough not to happen in 20000 requests: counted \(counted), missed \(missed)")
        // Softirq or task context was told on every run (preempt_count, or the softirq
        // tracepoints where it cannot be read): no call was paired by the interrupted thread.
        let snapshots = try parseNDJSON(VMRun.text("pinned.ndjson", kernel: kernel)).filter { $0["type"] as? String == "snapshot" }
        let last = try #require(snapshots.last?["stats"] as? JSONObject)
        #expect((last["context_unknown"] as? NSNumber)?.intValue == 0, "\(last)")
    }

    @Test("once attached, arptop holds at most CAP_BPF and no_new_privs, and keeps counting", arguments: VMRun.kernels)
    func privilegesDropped(kernel: String) throws {
        // Read from /proc/PID/status of `arptop --json` while the pinned flood ran (scenario 8),
        // and of the live TUI (scenario 5); both counted every request (tested above and below).
        for file in ["pinned.status", "tui.status"] {
            let status = try VMRun.text(file, kernel: kernel)
            func field(_ name: String) -> String? {
                status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                    .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
            }
            let eff = try #require(field("CapEff").flatMap { UInt64($0, radix: 16) }, "\(file): \(status)")
            let prm = try #require(field("CapPrm").flatMap { UInt64($0, radix: 16) }, "\(file): \(status)")
            let capBPF: UInt64 = 1 << 39
            #expect(eff & ~capBPF == 0, "\(file) on \(kernel): CapEff \(String(eff, radix: 16))")
            #expect(prm & ~capBPF == 0, "\(file) on \(kernel): CapPrm \(String(prm, radix: 16))")
            #expect(field("NoNewPrivs") == "1", "\(file) on \(kernel)")
        }
    }

    @Test("nothing of arptop stays attached after it exits", arguments: VMRun.kernels)
    func nothingLeftAttached(kernel: String) throws {
        let progs = try VMRun.text("bpftool-prog-after.json", kernel: kernel)
        #expect(!progs.isEmpty)
        for name in ["arp_process", "ip_route_input", "fib_lookup", "fib_validate_so"] {
            #expect(!progs.contains("\"name\":\"\(name)"), "a program named \(name)* is still loaded")
        }
    }
}

/// The live TUI in tmux inside the guest: the numbers on the screen equal the packets sent.
@Suite("Debian kernels in a VM: the live screen", .serialized,
       .enabled(if: VMRun.shouldRun, Comment(rawValue: VMRun.missingPrerequisite ?? "")))
struct VMScreenTests {
    /// "1,234 calls" in the title rule of `function`'s pane.
    static func paneCalls(_ screen: String, _ function: String) -> Int? {
        // Two panes share a row in the wide layout: read from the function's own title on.
        for line in screen.split(separator: "\n") {
            guard let at = line.range(of: "  \(function)  ") else { continue }
            let words = line[at.upperBound...].split(separator: " ")
            guard let i = words.firstIndex(of: "calls"), i > 0 else { continue }
            return Int(words[i - 1].replacingOccurrences(of: ",", with: ""))
        }
        return nil
    }

    @Test("totals on the screen equal the ARP packets sent, for all interfaces and for va alone", arguments: VMRun.kernels)
    func screenTotals(kernel: String) throws {
        let n = try VMRun.int("packets", kernel: kernel)
        #expect(try VMRun.arpingReplies("tui-local", kernel: kernel) == n)
        #expect(try VMRun.arpingReplies("tui-t2", kernel: kernel) == n)
        let wide = try VMRun.text("tui-wide.txt", kernel: kernel)
        #expect(try VMRun.arpingReplies("tui-arpignore", kernel: kernel) == 0)
        // va: local, non-local and rp_filter requests; vb and vd: the replies; vc: t2's requests
        // and its requests for va's address, refused by arp_ignore=1.
        #expect(Self.paneCalls(wide, "arp_process") == 7 * n, "\(wide)")
        #expect(Self.paneCalls(wide, "fib_validate_source") == 4 * n, "\(wide)")
        #expect(wide.contains("IP_RPFILTER"))
        #expect(wide.contains("RTN_LOCAL"))
        let filtered = try VMRun.text("tui-paused-filtered.txt", kernel: kernel)
        #expect(filtered.contains("PAUSED"), "\(filtered)")
        #expect(filtered.contains("interfaces va"), "\(filtered)")
        #expect(Self.paneCalls(filtered, "arp_process") == 3 * n, "\(filtered)")
        #expect(Self.paneCalls(filtered, "ip_route_input_slow") == 3 * n, "\(filtered)")
        #expect(Self.paneCalls(filtered, "fib_validate_source") == 2 * n, "\(filtered)")
    }

    @Test("the zoomed fib_validate_source pane shows IP_RPFILTER from the rp_filter scenario; help lists the keys", arguments: VMRun.kernels)
    func zoomAndHelp(kernel: String) throws {
        let n = try VMRun.int("packets", kernel: kernel)
        let zoom = try VMRun.text("tui-zoom-fib_validate_source.txt", kernel: kernel)
        let reject = try #require(zoom.split(separator: "\n").first { $0.contains("IP_RPFILTER") }, "\(zoom)")
        #expect(reject.split(separator: " ").contains(Substring(String(n))), "IP_RPFILTER row shows \(n): \(reject)")
        let help = try VMRun.text("tui-help.txt", kernel: kernel)
        for key in ["pause", "interface", "zoom", "filter the log", "errors only", "quit"] {
            #expect(help.lowercased().contains(key), "help mentions \(key)")
        }
    }

    @Test("the verdicts view and the packet log answer why requests went unanswered", arguments: VMRun.kernels)
    func verdictScreens(kernel: String) throws {
        let verdicts = try VMRun.text("tui-verdicts.txt", kernel: kernel)
        #expect(verdicts.contains("verdicts"), "\(verdicts)")
        let rp = try #require(verdicts.split(separator: "\n").first { $0.contains("rp_filter (IP_RPFILTER)") }, "\(verdicts)")
        #expect(rp.contains("!"), "unanswered verdicts are marked: \(rp)")
        #expect(verdicts.contains("ignored_arp_ignore") && verdicts.contains("not_local") && verdicts.contains("replied"), "\(verdicts)")
        // The last unanswered packets were the arp_ignore ones on vc: the why names the setting
        // and the interface that holds the address (the forward route's device).
        #expect(verdicts.contains("not answered: arp_ignore=1 on vc and 10.77.0.1 is configured on va"), "\(verdicts)")
        let packets = try VMRun.text("tui-packets.txt", kernel: kernel)
        #expect(packets.contains("ignored_arp_ignore") && packets.contains("reply_ignored"), "\(packets)")
    }

    @Test("q leaves with status 0 and the recording replays: its summary matches the screen", arguments: VMRun.kernels)
    func exitAndRecording(kernel: String) throws {
        let n = try VMRun.int("packets", kernel: kernel)
        #expect(try VMRun.text("tui.exit", kernel: kernel).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let s = try Summary(ndjson: VMRun.text("tui-recording.ndjson", kernel: kernel))
        #expect(s.count("arp_process") == 7 * n)
        #expect(s.count("fib_validate_source", interface: "va", returnName: "IP_RPFILTER") == n)
        // The recording's summary carries the verdicts the demo shows.
        #expect(s.packets(verdict: "replied", interface: "va") == n)
        #expect(s.packets(verdict: "replied", interface: "vc") == n)
        #expect(s.packets(verdict: "not_local", interface: "va") == n)
        #expect(s.packets(verdict: "rp_filter", interface: "va", reason: "IP_RPFILTER") == n)
        #expect(s.packets(verdict: "ignored_arp_ignore", interface: "vc") == n)
        #expect(s.packets() == 7 * n)
    }
}
