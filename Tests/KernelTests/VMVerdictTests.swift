import Foundation
import Testing

/// One scenario of Tests/vm/guest-verdicts.sh: a line of OUT/verdicts-facts.ndjson. R is the
/// namespace whose kernel handles the ARP packets (the verdicts asserted on are on R's
/// interface), Q the peer; `captured` is tcpdump on R's interface, `in` = received by it.
struct VerdictScenario: Sendable {
    let number: Int
    let name: String
    /// q_arping: arping in Q asks R; kernel: R's kernel resolves Q; r_arping: arping in R asks Q.
    let requester: String
    /// ARPTOP_VM_PACKETS of the run; `sent` = what was really sent (arping's "Sent", or pings).
    let packets, sent: Int
    let arpingReceived: Int?
    let rNetns, rIfindex: Int
    let rInterface: String
    let qNetns, qIfindex: Int
    let qInterface: String
    let requestsIn, repliesIn, requestsOut, repliesOut: Int
    /// The verdicts guest-verdicts.sh says R's interface should show (cross-checked below).
    let expected: [String]
    /// R's sysctls as read back after the setup: "conf.all.rp_filter", "conf.r8.rp_filter",
    /// "neigh.r4.proxy_delay", "ip_forward"...
    let rSettings: [String: Int]

    init(_ o: JSONObject) throws {
        func int(_ k: String, _ obj: JSONObject? = nil) throws -> Int {
            try #require(((obj ?? o)[k] as? NSNumber)?.intValue, "verdicts-facts.ndjson: \(k) missing in \(o)")
        }
        func str(_ k: String) throws -> String { try #require(o[k] as? String, "verdicts-facts.ndjson: \(k) missing in \(o)") }
        number = try int("number")
        name = try str("scenario")
        requester = try str("requester")
        packets = try int("packets")
        sent = try int("sent")
        arpingReceived = (o["arping_received"] as? NSNumber)?.intValue
        rNetns = try int("r_netns"); rIfindex = try int("r_ifindex"); rInterface = try str("r_interface")
        qNetns = try int("q_netns"); qIfindex = try int("q_ifindex"); qInterface = try str("q_interface")
        let c = try #require(o["captured"] as? JSONObject, "verdicts-facts.ndjson: captured missing in \(o)")
        requestsIn = try int("requests_in", c); repliesIn = try int("replies_in", c)
        requestsOut = try int("requests_out", c); repliesOut = try int("replies_out", c)
        expected = (o["expected"] as? [String]) ?? []
        rSettings = ((o["r_settings"] as? JSONObject) ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
    }
}

/// One member of the summary's `verdicts`: {"netns","interface","ifindex","verdict","count"[,"reason"]}.
struct VerdictRow: CustomStringConvertible {
    let netns, ifindex, count: Int
    let interface, verdict: String
    let reason: String?

    var description: String { "\(interface)#\(ifindex)@\(netns) \(verdict)\(reason.map { "(\($0))" } ?? "")=\(count)" }
}

/// The artifacts of Tests/vm/guest-verdicts.sh, from the same VM boot per kernel as
/// VMKernelTests (VMRun). For iterating on these assertions without a boot, outside CI,
/// ARPTOP_VERDICT_VM_OUT=DIR reads a finished run's directory instead (KERNEL in DIR is
/// replaced by the kernel's name: /tmp/vout-KERNEL).
enum VerdictVM {
    /// The scenarios of guest-verdicts.sh, by name, in its order.
    static let scenarioNames = [
        "local_reply", "not_local", "proxy_reply", "proxy_delayed", "arp_ignore_1", "arp_ignore_2", "arp_filter",
        "rp_filter", "no_address", "garp_dropped", "dad_reply", "reply_accepted", "reply_ignored",
    ]

    static func dir(_ kernel: String) throws -> URL {
        if let d = ProcessInfo.processInfo.environment["ARPTOP_VERDICT_VM_OUT"], !Environment.isCI {
            return URL(fileURLWithPath: d.replacingOccurrences(of: "KERNEL", with: kernel))
        }
        return try VMRun.dir(kernel)
    }

    static func text(_ name: String, kernel: String) throws -> String {
        let url = try dir(kernel).appending(path: name)
        guard let s = try? String(contentsOf: url, encoding: .utf8) else {
            throw HarnessError("missing VM artifact \(name) on \(kernel): did guest-verdicts run in this boot (ARPTOP_VM_ONLY)? "
                               + "see guest-verdicts.stderr in \(url.deletingLastPathComponent().path)")
        }
        return s
    }

    static func scenarios(_ kernel: String) throws -> [String: VerdictScenario] {
        let all = try parseNDJSON(text("verdicts-facts.ndjson", kernel: kernel)).map(VerdictScenario.init)
        return Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func scenario(_ name: String, kernel: String) throws -> VerdictScenario {
        try #require(scenarios(kernel)[name], "scenario \(name) has no facts on \(kernel)")
    }

    /// The `verdicts` of the summary of the one `arptop --json` around all scenarios.
    static func verdicts(_ kernel: String) throws -> [VerdictRow] {
        let rc = try text("verdicts.rc", kernel: kernel).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(rc == "0", "arptop --json exited \(rc) on \(kernel): \((try? text("verdicts.stderr", kernel: kernel)) ?? "")")
        let summary = try Summary(ndjson: text("verdicts.ndjson", kernel: kernel))
        guard let list = summary.record["verdicts"] as? [JSONObject] else {
            throw HarnessError("the summary on \(kernel) has no \"verdicts\" list: keys \(summary.record.keys.sorted())")
        }
        return try list.map { o in
            func int(_ k: String) throws -> Int { try #require((o[k] as? NSNumber)?.intValue, "verdict row without \(k): \(o)") }
            return VerdictRow(netns: try int("netns"), ifindex: try int("ifindex"), count: try int("count"),
                              interface: try #require(o["interface"] as? String, "verdict row without interface: \(o)"),
                              verdict: try #require(o["verdict"] as? String, "verdict row without verdict: \(o)"),
                              reason: o["reason"] as? String)
        }
    }

    static func summary(_ kernel: String) throws -> Summary {
        try Summary(ndjson: text("verdicts.ndjson", kernel: kernel))
    }

    /// What R's interface must show in `s`: verdict -> count. Counts come from the references
    /// (the capture on R's interface, arping), which `references` checks against what was sent.
    static func expectedVerdicts(_ s: VerdictScenario) -> [String: Int] {
        switch s.name {
        case "local_reply": ["replied": s.requestsIn]
        case "not_local": ["not_local": s.requestsIn]
        case "proxy_reply": ["proxy_replied": s.requestsIn]
        // Each broadcast request is queued, then handled again when proxy_delay has passed.
        case "proxy_delayed": ["proxy_queued": s.requestsIn, "proxy_replied": s.requestsIn]
        case "arp_ignore_1", "arp_ignore_2": ["ignored_arp_ignore": s.requestsIn]
        case "arp_filter": ["ignored_arp_filter": s.requestsIn]
        case "rp_filter": ["rp_filter": s.requestsIn]
        // Whatever the kernel does for an address-less interface: replied = the replies arping got.
        case "no_address": ["replied": s.arpingReceived ?? -1]
        case "garp_dropped": ["dropped": s.requestsIn]
        case "dad_reply": ["dad_replied": s.requestsIn]
        case "reply_accepted": ["reply_accepted": s.repliesIn]
        case "reply_ignored": ["reply_ignored": s.repliesIn]
        default: [:]
        }
    }

    /// The reason a verdict must carry, where it has one.
    static let reasons = ["rp_filter": "IP_RPFILTER", "dropped": "gratuitous"]

    /// The settings each scenario is about, on R's interface and `all` (the rest is 0, proxy_delay 80).
    static func settings(_ s: VerdictScenario) -> [String: Int] {
        var conf = ["forwarding": 0, "rp_filter": 0, "arp_ignore": 0, "arp_filter": 0, "arp_accept": 0, "proxy_arp": 0,
                    "drop_gratuitous_arp": 0]
        var proxyDelay = 80
        switch s.name {
        case "proxy_reply": conf["forwarding"] = 1; conf["proxy_arp"] = 1; proxyDelay = 0
        case "proxy_delayed": conf["forwarding"] = 1; conf["proxy_arp"] = 1
        case "arp_ignore_1": conf["arp_ignore"] = 1
        case "arp_ignore_2": conf["arp_ignore"] = 2
        case "arp_filter": conf["arp_filter"] = 1
        case "rp_filter": conf["rp_filter"] = 1
        case "garp_dropped": conf["drop_gratuitous_arp"] = 1
        default: break
        }
        var all: [String: Int] = ["neigh.\(s.rInterface).proxy_delay": proxyDelay, "ip_forward": conf["forwarding"]!]
        for (key, value) in conf {
            all["conf.all.\(key)"] = value
            all["conf.\(s.rInterface).\(key)"] = value
        }
        return all
    }
}

@Suite("ARP verdicts on Debian kernels in a VM: 5.10, 6.1, 6.12, 7.x", .serialized,
       .enabled(if: VMRun.shouldRun, Comment(rawValue: VMRun.missingPrerequisite ?? "")))
struct VMVerdictTests {
    @Test("guest-verdicts.sh ran every scenario", arguments: VMRun.kernels)
    func ran(kernel: String) throws {
        let rc = try VerdictVM.text("guest-verdicts.rc", kernel: kernel).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(rc == "0", "\((try? VerdictVM.text("guest-verdicts.stderr", kernel: kernel))?.suffix(2000) ?? "")")
        let scenarios = try VerdictVM.scenarios(kernel)
        #expect(Set(scenarios.keys) == Set(VerdictVM.scenarioNames))
        for s in scenarios.values {
            #expect(Set(s.expected) == Set(VerdictVM.expectedVerdicts(s).keys), "\(s.name): the guest script and this test disagree")
        }
    }

    /// The references themselves, independent of arptop: each topology did on this kernel what
    /// the scenario is about (the requests reached R, R answered or not, as seen by arping and
    /// on the wire).
    @Test("the references: what arping and the capture on R's interface saw", arguments: VMRun.kernels, VerdictVM.scenarioNames)
    func references(kernel: String, scenario: String) throws {
        let s = try VerdictVM.scenario(scenario, kernel: kernel)
        let n = s.packets
        #expect(s.rNetns != s.qNetns)
        for (key, value) in VerdictVM.settings(s).sorted(by: { $0.key < $1.key }) {
            #expect(s.rSettings[key] == value, "\(scenario): \(key) is \(s.rSettings[key].map(String.init) ?? "unread"), not \(value)")
        }
        #expect(s.sent == n, "\(scenario): sent \(s.sent) of \(n)")
        switch s.requester {
        case "q_arping":
            // Every request arping sent reached R's interface; R sent nothing else.
            #expect(s.requestsIn == s.sent, "\(scenario): \(s.requestsIn) requests reached R")
            #expect(s.requestsOut == 0 && s.repliesIn == 0, "\(scenario): R's interface saw other ARP")
            // Every reply R sent reached arping.
            #expect(s.arpingReceived == s.repliesOut, "\(scenario): arping got \(s.arpingReceived ?? -1), R sent \(s.repliesOut)")
        case "kernel":
            // One resolution per ping at least (more if a reply took longer than retrans_time),
            // one reply per request.
            #expect(s.requestsOut >= n && s.repliesIn == s.requestsOut && s.requestsIn == 0 && s.repliesOut == 0,
                    "\(scenario): out \(s.requestsOut) requests, in \(s.repliesIn) replies")
        case "r_arping":
            #expect(s.requestsOut == s.sent && s.repliesIn == s.sent && s.arpingReceived == s.sent && s.requestsIn == 0 && s.repliesOut == 0,
                    "\(scenario): out \(s.requestsOut) requests, in \(s.repliesIn) replies, arping got \(s.arpingReceived ?? -1)")
        default:
            Issue.record("\(scenario): unknown requester \(s.requester)")
        }
        // Who answers: the kernel behaviour each scenario is about.
        let answered: Int? = switch scenario {
        case "local_reply", "proxy_reply", "proxy_delayed", "dad_reply": n
        case "not_local", "arp_ignore_1", "arp_ignore_2", "arp_filter", "rp_filter", "garp_dropped": 0
        default: nil  // no_address: the kernel's choice; reply_*: R asks
        }
        if let answered { #expect(s.arpingReceived == answered, "\(scenario): arping got \(s.arpingReceived ?? -1)") }
        // R's neighbour table after the replies: taken in when solicited, not when unsolicited.
        if scenario == "reply_accepted" {
            let neigh = try VerdictVM.text("verdicts-reply_accepted.ping", kernel: kernel).split(separator: "\n").last ?? ""
            #expect(neigh.contains("10.60.12.2 lladdr"), "R's entry for Q after the pings: \(neigh)")
        }
        if scenario == "reply_ignored" {
            let neigh = try VerdictVM.text("verdicts-reply_ignored.neigh", kernel: kernel)
            #expect(!neigh.contains("lladdr"), "R took Q's unsolicited replies in: \(neigh)")
        }
    }

    @Test("each scenario's verdict on R's interface, counted exactly, and no other", arguments: VMRun.kernels, VerdictVM.scenarioNames)
    func verdicts(kernel: String, scenario: String) throws {
        let s = try VerdictVM.scenario(scenario, kernel: kernel)
        let rows = try VerdictVM.verdicts(kernel)
        let onR = rows.filter { $0.netns == s.rNetns && $0.ifindex == s.rIfindex }
        #expect(onR.allSatisfy { $0.interface == s.rInterface }, "\(scenario): \(onR)")
        func count(_ verdict: String, _ rows: [VerdictRow] = onR) -> Int {
            rows.filter { $0.verdict == verdict }.reduce(0) { $0 + $1.count }
        }
        let expected = VerdictVM.expectedVerdicts(s)
        for (verdict, n) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(count(verdict) == n, "\(scenario) on \(kernel): \(verdict) expected \(n): \(onR)")
            if let reason = VerdictVM.reasons[verdict] {
                let rows = onR.filter { $0.verdict == verdict }
                #expect(rows.allSatisfy { $0.reason == reason }, "\(scenario) on \(kernel): \(verdict) without reason \(reason): \(rows)")
            }
        }
        let others = onR.filter { expected[$0.verdict] == nil }
        if scenario == "no_address" {
            // Requests it did not answer (if any) get some other verdict, one each.
            #expect(others.reduce(0) { $0 + $1.count } == s.requestsIn - (s.arpingReceived ?? 0), "\(scenario) on \(kernel): \(onR)")
        } else {
            #expect(others.isEmpty, "\(scenario) on \(kernel): unexpected verdicts on \(s.rInterface): \(others)")
        }
        // Where arping asks R: the replies R's verdicts claim are the replies arping received.
        if s.requester == "q_arping" {
            let answers = count("replied") + count("proxy_replied") + count("dad_replied")
            #expect(answers == s.arpingReceived, "\(scenario) on \(kernel): replies \(answers), arping got \(s.arpingReceived ?? -1): \(onR)")
        }
        // The other side of the kernel-resolves and arping-from-R scenarios: Q answered every request.
        if s.requester != "q_arping" {
            let onQ = rows.filter { $0.netns == s.qNetns && $0.ifindex == s.qIfindex }
            #expect(count("replied", onQ) == s.requestsOut, "\(scenario) on \(kernel): Q's \(s.qInterface): \(onQ)")
        }
        // One verdict per ARP packet the kernel handled: as many as arp_process calls on R's interface.
        let calls = try VerdictVM.summary(kernel).count("arp_process", interface: s.rInterface, netns: s.rNetns)
        #expect(onR.reduce(0) { $0 + $1.count } == calls, "\(scenario) on \(kernel): \(calls) arp_process calls, verdicts \(onR)")
    }
}
