import Foundation
import Testing

/// `-i` decides what the kernel spends the log budget on (Tests/vm/guest-logbudget.sh, on every
/// kernel of the matrix): a flood on la cannot starve the log of lc, the interface `-i` names,
/// while la's calls are still counted exactly; and `--record` honours `-i` in every mode.
@Suite("Debian kernels in a VM: -i and the log budget", .serialized,
       .enabled(if: VMRun.shouldRun, Comment(rawValue: VMRun.missingPrerequisite ?? "")))
struct VMLogBudgetTests {
    static func records(_ name: String, kernel: String) throws -> [JSONObject] {
        try parseNDJSON(VMRun.text(name, kernel: kernel))
    }

    static func events(_ records: [JSONObject]) -> [JSONObject] {
        records.filter { $0["type"] as? String == "event" }
    }

    /// "sent=N" of an arp-flood output.
    static func floodSent(_ name: String, kernel: String) throws -> Int {
        let flood = try VMRun.text(name, kernel: kernel)
        let field = try #require(flood.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix("sent=") }, "\(flood)")
        return try #require(Int(field.dropFirst(5)))
    }

    /// Calls of `function` (enum arptop_function) on interfaces named `ifname`, summed over
    /// CPUs, from `bpftool -j map dump name counts` (raw key and per-CPU value bytes).
    static func kernelCount(_ name: String, kernel: String, function: UInt32, ifname: String) throws -> Int {
        let dump = try #require(JSONSerialization.jsonObject(with: Data(VMRun.text(name, kernel: kernel).utf8)) as? [JSONObject],
                                "\(name) is not a bpftool JSON list")
        func bytes(_ any: Any?) -> [UInt8] {
            ((any as? [String]) ?? []).compactMap { UInt8($0.dropFirst(2), radix: 16) }
        }
        var total = 0
        for entry in dump {
            let key = bytes(entry["key"])
            guard key.count == 48 else { continue }
            let fn = UInt32(key[0]) | UInt32(key[1]) << 8 | UInt32(key[2]) << 16 | UInt32(key[3]) << 24
            let nameBytes = key[24..<40].prefix { $0 != 0 }
            guard fn == function, String(decoding: nameBytes, as: UTF8.self) == ifname else { continue }
            for cpu in (entry["values"] as? [JSONObject]) ?? [] {
                let value = bytes(cpu["value"])
                total += value.prefix(8).enumerated().reduce(0) { $0 + Int($1.element) << (8 * $1.offset) }
            }
        }
        return total
    }

    @Test("a flood on la with -i lc: every call on lc is logged, la's calls are still counted exactly", arguments: VMRun.kernels)
    func floodDoesNotStarveTheFilteredLog(kernel: String) throws {
        let n = try #require((VMRun.json("budget-topology.json", kernel: kernel)["packets"] as? NSNumber)?.intValue)
        let s = try VMRun.summary("budget", kernel: kernel)
        #expect(try VMRun.arpingReplies("budget", kernel: kernel) == n)
        let records = try Self.records("budget.ndjson", kernel: kernel)
        let events = Self.events(records)
        #expect(events.allSatisfy { $0["interface"] as? String == "lc" }, "only lc is logged")
        #expect(events.filter { $0["function"] as? String == "arp_process" }.count == n)
        #expect(s.count("arp_process", interface: "lc") == n)
        // Every call on lc was logged: its calls (all four functions) equal its events, and
        // nothing was sampled out or dropped.
        let calls = ["arp_process", "ip_route_input_slow", "fib_lookup", "fib_validate_source"].reduce(0) { $0 + s.count($1, interface: "lc") }
        #expect(events.count == calls, "\(events.count) events for \(calls) calls on lc")
        #expect((s.record["events_sampled"] as? NSNumber)?.intValue == 0, "\(s.record)")
        #expect((s.record["events_dropped"] as? NSNumber)?.intValue == 0, "\(s.record)")
        // The flood was far above the budget, and the kernel counted every request on la.
        let sent = try Self.floodSent("budget-flood.txt", kernel: kernel)
        #expect(sent > 1000, "the flood sent only \(sent) requests")
        #expect(try Self.kernelCount("budget-counts.json", kernel: kernel, function: 0, ifname: "la") == sent)
    }

    @Test("the control: with la in -i too, the same flood starves lc's log; counts stay exact", arguments: VMRun.kernels)
    func controlStarves(kernel: String) throws {
        let n = try #require((VMRun.json("budget-topology.json", kernel: kernel)["packets"] as? NSNumber)?.intValue)
        let s = try VMRun.summary("budget-control", kernel: kernel)
        #expect(try VMRun.arpingReplies("budget-control", kernel: kernel) == n)
        #expect(s.count("arp_process", interface: "lc") == n)
        let sent = try Self.floodSent("budget-control-flood.txt", kernel: kernel)
        #expect(s.count("arp_process", interface: "la") == sent)
        let logged = Self.events(try Self.records("budget-control.ndjson", kernel: kernel))
            .filter { $0["function"] as? String == "arp_process" && $0["interface"] as? String == "lc" }.count
        #expect(logged < n, "lc's \(n) requests were all logged though la's flood spent the same CPU's budget")
        #expect(((s.record["events_sampled"] as? NSNumber)?.intValue ?? 0) > 0, "\(s.record)")
    }

    @Test("--record with -i writes what --json writes: the same events and summary", arguments: VMRun.kernels)
    func recordMatchesJSON(kernel: String) throws {
        let json = try Self.records("budget.ndjson", kernel: kernel)
        let recorded = try Self.records("budget-record.ndjson", kernel: kernel)
        let jsonEvents = Self.events(json).map { $0 as NSDictionary }
        let recordedEvents = Self.events(recorded).map { $0 as NSDictionary }
        #expect(!jsonEvents.isEmpty)
        #expect(jsonEvents == recordedEvents)
        let jsonSummary = try #require(json.last { $0["type"] as? String == "summary" }) as NSDictionary
        let recordedSummary = try #require(recorded.last { $0["type"] as? String == "summary" }) as NSDictionary
        #expect(jsonSummary == recordedSummary)
    }

    @Test("--record with -i in --summary and in the live view: events, snapshots and summary of lc only",
          arguments: VMRun.kernels, ["record-summary", "record-live"])
    func recordHonoursInterfaceFilter(kernel: String, mode: String) throws {
        #expect(try VMRun.text("\(mode).rc", kernel: kernel).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(try VMRun.arpingReplies("\(mode)-la", kernel: kernel) == 3)
        #expect(try VMRun.arpingReplies("\(mode)-lc", kernel: kernel) == 3)
        let records = try Self.records("\(mode).ndjson", kernel: kernel)
        let events = Self.events(records)
        #expect(events.allSatisfy { $0["interface"] as? String == "lc" }, "\(mode): events of other interfaces recorded")
        #expect(events.filter { $0["function"] as? String == "arp_process" }.count == 3)
        let snapshots = records.filter { $0["type"] as? String == "snapshot" }
        #expect(!snapshots.isEmpty)
        for snapshot in snapshots {
            let rows = (snapshot["counts"] as? [JSONObject]) ?? []
            #expect(rows.allSatisfy { $0["interface"] as? String == "lc" }, "\(mode): a snapshot has rows of other interfaces")
        }
        let s = try Summary(ndjson: VMRun.text("\(mode).ndjson", kernel: kernel))
        #expect(s.count("arp_process", interface: "lc") == 3)
        #expect(s.count("arp_process") == 3, "\(mode): the summary counts other interfaces")
        #expect((s.record["events_logged"] as? NSNumber)?.intValue == events.count)
    }
}
