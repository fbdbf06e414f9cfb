import Foundation
import Testing

/// The artifacts of Tests/vm/guest-reliability.sh (OUT/rel-*), from the same VM boot as
/// VMKernelTests. For iterating on these assertions without a boot, outside CI,
/// ARPTOP_REL_VM_OUT=DIR reads a finished run's directory instead.
enum RelVM {
    static func dir() throws -> URL {
        if let d = ProcessInfo.processInfo.environment["ARPTOP_REL_VM_OUT"], !Environment.isCI {
            return URL(fileURLWithPath: d)
        }
        return try VMRun.dir()
    }

    static func text(_ name: String) throws -> String {
        let url = try dir().appending(path: name)
        guard let s = try? String(contentsOf: url, encoding: .utf8) else {
            throw HarnessError("missing VM artifact \(name): see rel-guest.stderr in \(url.deletingLastPathComponent().path)")
        }
        return s
    }

    static func trimmed(_ name: String) throws -> String {
        try text(name).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func json(_ name: String) throws -> JSONObject {
        try #require(JSONSerialization.jsonObject(with: Data(text(name).utf8)) as? JSONObject, "\(name)")
    }

    static func int(_ file: String, _ key: String) throws -> Int {
        try #require((json(file)[key] as? NSNumber)?.intValue, "\(file) lacks \(key)")
    }

    /// A bpftool -j list: [{"id": ..., ...}].
    static func list(_ name: String) throws -> [JSONObject] {
        try #require(JSONSerialization.jsonObject(with: Data(text(name).utf8)) as? [JSONObject], "\(name) is not a JSON list")
    }

    static func ids(_ name: String) throws -> Set<Int> {
        Set(try list(name).compactMap { ($0["id"] as? NSNumber)?.intValue })
    }

    /// The programs loaded while an arptop ran that were not there before it.
    static func newPrograms(_ name: String) throws -> [JSONObject] {
        let base = try ids("rel-baseline-prog.json")
        return try list(name).filter { !base.contains(($0["id"] as? NSNumber)?.intValue ?? -1) }
    }

    /// After `name` exited: the kernel holds exactly the programs and links it held before
    /// any arptop ran, and nothing is pinned in bpffs.
    static func expectNothingLeft(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let progs = try ids("rel-\(name)-prog.json"), base = try ids("rel-baseline-prog.json")
        #expect(progs == base, "programs left after \(name): \(progs.subtracting(base).sorted())", sourceLocation: sourceLocation)
        let links = try ids("rel-\(name)-link.json"), baseLinks = try ids("rel-baseline-link.json")
        #expect(links == baseLinks, "links left after \(name): \(links.subtracting(baseLinks).sorted())", sourceLocation: sourceLocation)
        #expect(try trimmed("rel-\(name)-bpffs.txt").isEmpty, "pinned in /sys/fs/bpf after \(name)", sourceLocation: sourceLocation)
    }

    /// The terminal after arptop left: normal screen, cursor shown, keypad off, cooked mode with echo.
    static func expectTerminalRestored(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try trimmed("rel-\(name).tty-running").contains("alternate_on=1"), "the screen never came up", sourceLocation: sourceLocation)
        let after = try trimmed("rel-\(name).tty-after")
        #expect(after.contains("alternate_on=0") && after.contains("cursor_flag=1") && after.contains("keypad_flag=0"),
                "terminal after \(name): \(after)", sourceLocation: sourceLocation)
        let modes = Set(try text("rel-\(name).stty").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        #expect(modes.isSuperset(of: ["icanon", "echo", "isig", "icrnl", "opost"]), "tty modes after \(name): \(modes.sorted())",
                sourceLocation: sourceLocation)
    }

    /// "Received 3 response(s)" from iputils arping.
    static func replies(_ name: String) throws -> Int {
        let line = try text(name).split(separator: "\n").first { $0.hasPrefix("Received") }
        return line.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
    }

    /// Rows of `function` in a summary, restricted to one (netns, ifindex).
    static func count(_ s: Summary, _ function: String, netns: Int, ifindex: Int, interface: String? = nil) -> Int {
        s.rows(function).filter {
            ($0["netns"] as? NSNumber)?.intValue == netns && ($0["ifindex"] as? NSNumber)?.intValue == ifindex
                && (interface == nil || $0["interface"] as? String == interface)
        }.reduce(0) { $0 + (($1["count"] as? NSNumber)?.intValue ?? 0) }
    }
}

@Suite("Debian 6.1 kernel in a VM: exits, leftovers, two instances, namespaces, least privilege",
       .serialized, .enabled(if: VMRun.shouldRun))
struct VMReliabilityTests {
    static let requests = 3  // per live-view run (guest-reliability.sh: N)

    @Test("guest-reliability.sh ran to the end")
    func ran() throws {
        #expect(try RelVM.trimmed("guest-reliability.rc") == "0", "\((try? RelVM.text("rel-guest.stderr"))?.suffix(2000) ?? "")")
        _ = try RelVM.trimmed("rel-seconds")
    }

    /// What every way out of the live view must do: its documented status (README, --help:
    /// 0 after q, Ctrl-C, SIGTERM or SIGHUP), a complete recording, nothing left in the kernel.
    @Test("q, SIGINT, SIGTERM, SIGHUP (terminal gone), hangup without SIGHUP: status 0, recording flushed to its summary, every probe detached",
          arguments: ["q", "INT", "TERM", "HUP", "hangup"])
    func exit(_ mode: String) throws {
        let name = "exit-\(mode)"
        #expect(try RelVM.trimmed("rel-\(name).rc") == "0", "exit status after \(mode)")
        #expect(try RelVM.replies("rel-\(name).arping") == Self.requests)
        let records = try parseNDJSON(RelVM.text("rel-\(name).ndjson"))
        #expect(records.first?["type"] as? String == "attached")
        #expect(records.last?["type"] as? String == "summary", "the recording ends with its summary")
        let s = try Summary(ndjson: RelVM.text("rel-\(name).ndjson"))
        let root = try RelVM.int("rel-topology.json", "root_netns"), ra = try RelVM.int("rel-topology.json", "ra_ifindex")
        #expect(RelVM.count(s, "arp_process", netns: root, ifindex: ra) == Self.requests, "the requests sent before \(mode) are in the recording")
        try RelVM.expectNothingLeft(name)
    }

    @Test("q, SIGINT and SIGTERM leave the terminal as it was", arguments: ["q", "INT", "TERM"])
    func terminalRestored(_ mode: String) throws {
        try RelVM.expectTerminalRestored("exit-\(mode)")
    }

    @Test("a crash (forced in the debug build) restores the terminal and leaves nothing attached")
    func crash() throws {
        #expect(try RelVM.trimmed("rel-exit-crash.rc") == "132", "want death by SIGILL (Swift fatalError)")
        try RelVM.expectTerminalRestored("exit-crash")
        try RelVM.expectNothingLeft("exit-crash")
        // The recording has what was flushed before the crash, and nothing half-written.
        let lines = try RelVM.text("rel-exit-crash.ndjson").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "the recording ends with a complete line")
        #expect(try parseNDJSON(RelVM.text("rel-exit-crash.ndjson")).first?["type"] as? String == "attached")
    }

    @Test("after SIGKILL no arptop program or link is left: every attachment is owned by a file descriptor")
    func sigkill() throws {
        #expect(try RelVM.trimmed("rel-kill.rc") == "137")
        let programs = try RelVM.newPrograms("rel-kill-attached-prog.json")
        #expect(programs.count >= 4, "while attached: \(programs.map { $0["name"] ?? "?" })")
        // Every program hangs on a link (a file descriptor of the process), none on a pin.
        let linked = Set(try RelVM.list("rel-kill-attached-link.json").compactMap { ($0["prog_id"] as? NSNumber)?.intValue })
        for p in programs {
            #expect(linked.contains((p["id"] as? NSNumber)?.intValue ?? -1), "program \(p["name"] ?? "?") is attached without a link")
        }
        try RelVM.expectNothingLeft("kill-after")
    }

    /// Helpers that write memory, change a return value, signal, redirect or drop packets.
    static let forbiddenHelpers = [
        "bpf_probe_write_user", "bpf_override_return", "bpf_send_signal", "bpf_send_signal_thread",
        "bpf_skb_store_bytes", "bpf_l3_csum_replace", "bpf_l4_csum_replace", "bpf_redirect", "bpf_redirect_map",
        "bpf_clone_redirect", "bpf_skb_change", "bpf_xdp_adjust", "bpf_sys_bpf", "bpf_sys_close", "bpf_set_retval",
        "bpf_copy_from_user", "bpf_sk_assign", "bpf_msg_redirect", "bpf_sk_redirect", "bpf_skb_adjust_room",
        "bpf_setsockopt", "bpf_bprm_opts_set", "bpf_ima_", "bpf_kptr_xchg", "bpf_loop",
    ]

    @Test("least privilege: the loaded programs only observe (types, attach kinds, helpers)")
    func onlyObserves() throws {
        let programs = try RelVM.newPrograms("rel-kill-attached-prog.json")
        #expect(!programs.isEmpty)
        for p in programs {
            let type = p["type"] as? String ?? "?"
            #expect(["tracing", "kprobe", "tracepoint"].contains(type), "program \(p["name"] ?? "?") has type \(type)")
        }
        let base = try RelVM.ids("rel-baseline-link.json")
        for link in try RelVM.list("rel-kill-attached-link.json") where !base.contains((link["id"] as? NSNumber)?.intValue ?? -1) {
            let type = link["type"] as? String ?? "?"
            #expect(["tracing", "perf_event", "raw_tracepoint", "kprobe_multi"].contains(type), "link type \(type): \(link)")
            if let attach = link["attach_type"] as? String {
                #expect(["trace_fentry", "trace_fexit"].contains(attach), "attach type \(attach) (fmod_ret would change returns): \(link)")
            }
        }
        let xlated = try RelVM.text("rel-kill-xlated.txt")
        #expect(xlated.components(separatedBy: "=== prog").count - 1 == programs.count, "one dump per program")
        let calls = xlated.split(separator: "\n").filter { $0.contains(" call ") }
        #expect(!calls.isEmpty, "the dumps show helper calls: \(xlated.prefix(500))")
        for helper in Self.forbiddenHelpers {
            #expect(!xlated.contains(helper), "a loaded program calls \(helper)")
        }
        #expect(!xlated.lowercased().contains("error"), "bpftool could not dump: \(xlated.prefix(500))")
    }

    @Test("no network listener: the running arptop has no socket at all")
    func noSockets() throws {
        let pid = try RelVM.trimmed("rel-kill.pid")
        let ss = try RelVM.text("rel-kill-ss.txt")
        #expect(!ss.contains("pid=\(pid),"), "sockets of arptop: \(ss.split(separator: "\n").filter { $0.contains("pid=\(pid),") })")
        let fds = try RelVM.text("rel-kill-fds.txt")
        #expect(fds.contains("anon_inode:"), "the fd list was captured: \(fds.prefix(300))")
        #expect(!fds.contains("socket:"), "\(fds)")
    }

    @Test("two instances at once both count exactly; stopping one, or lacking a function, does not disturb the other")
    func twoInstances() throws {
        let n1 = try RelVM.int("rel-two.json", "n1"), n2 = try RelVM.int("rel-two.json", "n2")
        #expect(try RelVM.replies("rel-two-1.arping") == n1)
        #expect(try RelVM.replies("rel-two-2.arping") == n2)
        #expect(try RelVM.trimmed("rel-two-a.rc") == "0")
        #expect(try RelVM.trimmed("rel-two-b.rc") == "0")
        let root = try RelVM.int("rel-topology.json", "root_netns"), ra = try RelVM.int("rel-topology.json", "ra_ifindex")
        let a = try Summary(ndjson: RelVM.text("rel-two-a.ndjson")), b = try Summary(ndjson: RelVM.text("rel-two-b.ndjson"))
        // A ran through both bursts, B (started second, stopped first) through the first only.
        for f in ["arp_process", "ip_route_input_slow", "fib_validate_source"] {
            #expect(RelVM.count(a, f, netns: root, ifindex: ra) == n1 + n2, "A's \(f)")
        }
        #expect(RelVM.count(b, "arp_process", netns: root, ifindex: ra) == n1, "B's arp_process")
        #expect(RelVM.count(b, "ip_route_input_slow", netns: root, ifindex: ra) == n1, "B's ip_route_input_slow")
        // B was told fib_validate_source is missing: it says so and counts nothing there.
        #expect(b.function("fib_validate_source")?["attach"] as? String == "unavailable", "\(b.function("fib_validate_source") ?? [:])")
        #expect(b.rows("fib_validate_source").isEmpty)
        #expect(a.function("fib_validate_source")?["attach"] as? String == "kprobe")
        // Each logged its own events.
        let events = try parseNDJSON(RelVM.text("rel-two-a.ndjson")).filter {
            $0["type"] as? String == "event" && $0["function"] as? String == "arp_process" && $0["interface"] as? String == "ra"
        }
        #expect(events.count == n1 + n2)
        try RelVM.expectNothingLeft("two-after")
    }

    @Test("namespaces and interfaces created, renamed and deleted while running: shown, history kept, same ifindex not merged")
    func changingInterfaces() throws {
        let rel1 = try RelVM.int("rel-ns.json", "rel1_netns"), rel2 = try RelVM.int("rel-ns.json", "rel2_netns")
        let p1 = try RelVM.int("rel-ns.json", "p1_ifindex"), p2 = try RelVM.int("rel-ns.json", "p2_ifindex")
        let before = try RelVM.int("rel-ns.json", "before_rename"), after = try RelVM.int("rel-ns.json", "after_rename")
        let inRel2 = try RelVM.int("rel-ns.json", "rel2")
        #expect(p1 == p2, "precondition: the two namespaces' interfaces share an ifindex")
        #expect(rel1 != rel2)
        #expect(try RelVM.trimmed("rel-ns.rc") == "0")
        let s = try Summary(ndjson: RelVM.text("rel-ns.ndjson"))
        // Created after arptop attached, and counted on their own (netns, ifindex).
        #expect(RelVM.count(s, "arp_process", netns: rel1, ifindex: p1) == before + after, "\(s.rows("arp_process"))")
        #expect(RelVM.count(s, "arp_process", netns: rel2, ifindex: p2) == inRel2, "rel2 was deleted before the summary: its history stays")
        // Renamed midway: one interface, named by its latest name (as the live view and the
        // Prometheus file name it); the events carry the name at the time of each call.
        #expect(RelVM.count(s, "arp_process", netns: rel1, ifindex: p1, interface: "p1new") == before + after,
                "\(s.rows("arp_process"))")
        let events = try parseNDJSON(RelVM.text("rel-ns.ndjson")).filter { $0["type"] as? String == "event" && $0["function"] as? String == "arp_process" }
        #expect(events.filter { $0["interface"] as? String == "p1new" }.count == after)
        #expect(events.filter { $0["interface"] as? String == "p2" && ($0["netns"] as? NSNumber)?.intValue == rel2 }.count == inRel2)
        try RelVM.expectNothingLeft("ns-after")
    }
}
