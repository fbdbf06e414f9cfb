import Foundation
import Testing
@testable import ArptopCore

@Suite("NDJSON records")
struct RecordTests {
    static let probes = [
        ProbeStatus(function: .arpProcess, mechanism: .fentry, target: "arp_process", reason: nil),
        ProbeStatus(function: .ipRouteInputSlow, mechanism: .fentry, target: "ip_route_input_slow", reason: nil),
        ProbeStatus(function: .fibLookup, mechanism: .fentry, target: "fib_table_lookup", reason: "fib_lookup is inline"),
        ProbeStatus(function: .fibValidateSource, mechanism: nil, target: nil, reason: "fentry: 8 arguments; kprobe: CONFIG_KPROBES is off"),
    ]

    static let counts: [CountKey: UInt64] = [
        key(.arpProcess, "va"): 5,
        key(.arpProcess, "vb", netns: otherNetns): 9,
        key(.ipRouteInputSlow, "va", ret: -18): 2,
        key(.fibLookup, "va", routeType: 2): 6,
        key(.fibLookup, "va", ret: -11): 1,
        key(.fibLookup, "lo", ifindex: 1): 4,  // success, route type not seen
    ]

    static func summary(filter: InterfaceFilter = .all) -> SummaryRecord {
        var a = Aggregator(naming: TestNaming())
        a.interfaceFilter = filter
        a.ingest(snapshot(at: 9, counts, stats: stats(submitted: 27, dropped: 2, sampled: 3)))
        return a.summary(probes: probes)
    }

    func roundTrip(_ record: Record) throws -> Record {
        let line = record.jsonLine
        #expect(!line.contains("\n"))
        return try Record(jsonLine: line)
    }

    // MARK: attached

    @Test func attachedExactLine() throws {
        let r = AttachedRecord(host: "h1", kernel: "6.1.0-28-amd64", probes: [
            ProbeStatus(function: .arpProcess, mechanism: .fentry, target: "arp_process", reason: nil),
            ProbeStatus(function: .fibValidateSource, mechanism: .kprobe, target: "fib_validate_source", reason: "fentry: -524 ENOTSUPP"),
            ProbeStatus(function: .fibLookup, mechanism: nil, target: nil, reason: "no fib_table_lookup"),
        ])
        #expect(r.jsonLine == #"{"type":"attached","version":2,"host":"h1","kernel":"6.1.0-28-amd64","probes":["#
            + #"{"name":"arp_process","attach":"fentry","target":"arp_process"},"#
            + #"{"name":"fib_validate_source","attach":"kprobe","target":"fib_validate_source","note":"fentry: -524 ENOTSUPP"},"#
            + #"{"name":"fib_lookup","attach":"unavailable","reason":"no fib_table_lookup"}]}"#)
        #expect(try roundTrip(.attached(r)) == .attached(r))
    }

    @Test("attached: the wall-clock offset is written after the kernel, read back, and optional")
    func attachedRealtimeOffset() throws {
        let r = AttachedRecord(host: "h1", kernel: "6.1.0-28-amd64", realtimeOffsetNs: 1_796_281_920_123_455_789, probes: [])
        #expect(r.jsonLine == #"{"type":"attached","version":2,"host":"h1","kernel":"6.1.0-28-amd64","#
            + #""realtime_offset_ns":1796281920123455789,"probes":[]}"#)
        #expect(try roundTrip(.attached(r)) == .attached(r))
        #expect(r.clock == EventClock(realtimeOffsetNs: 1_796_281_920_123_455_789))
        // A recording made before the field: no offset, times since boot.
        let old = try Record(jsonLine: #"{"type":"attached","version":1,"host":"h","kernel":"6.1","probes":[]}"#)
        guard case .attached(let a) = old else { Issue.record("not attached"); return }
        #expect(a.realtimeOffsetNs == nil)
        #expect(a.clock == .sinceBoot)
        #expect(throws: RecordFormatError("field \"realtime_offset_ns\": expected an integer from \(Int64.min) to \(Int64.max), found \"x\"")) {
            try Record(jsonLine: #"{"type":"attached","version":1,"host":"h","kernel":"6.1","realtime_offset_ns":"x","probes":[]}"#)
        }
    }

    @Test func futureVersionIsRefused() {
        let line = #"{"type":"attached","version":3,"host":"h","kernel":"7.0","probes":[]}"#
        #expect(throws: RecordFormatError("format version 3 is newer than this arptop understands (version 2): use a newer arptop")) {
            try Record(jsonLine: line)
        }
    }

    @Test func attachedCarriesTheRootNamespace() throws {
        let r = AttachedRecord(host: "h", kernel: "k", rootNetns: 4026531841, probes: [])
        #expect(r.jsonLine == #"{"type":"attached","version":2,"host":"h","kernel":"k","root_netns":4026531841,"probes":[]}"#)
        #expect(try roundTrip(.attached(r)) == .attached(r))
    }

    @Test func versionOneRecordingsAreStillRead() throws {
        let line = #"{"type":"attached","version":1,"host":"h","kernel":"6.1","probes":[]}"#
        #expect(try Record(jsonLine: line) == .attached(AttachedRecord(version: 1, host: "h", kernel: "6.1", probes: [])))
    }

    // MARK: netns

    @Test func netnsExactLineAndRoundTrip() throws {
        let r = NetnsRecord(netns: 4026532289, name: "t1")
        #expect(r.jsonLine == #"{"type":"netns","netns":4026532289,"name":"t1"}"#)
        #expect(try roundTrip(.netns(r)) == .netns(r))
        #expect(try Record(jsonLine: r.jsonLine) == .netns(r))
    }

    @Test func namespaceNamesLearnFromRecords() {
        var names = NamespaceNames()
        names.learn(from: .attached(AttachedRecord(host: "h", kernel: "k", rootNetns: 4026531999, probes: [])))
        names.learn(from: .netns(NetnsRecord(netns: 4026532289, name: "t1")))
        #expect(names.name(of: 4026531999) == "root")
        #expect(names.name(of: 4026532289) == "t1")
        #expect(names.name(of: NamespaceNames.defaultRootInode) == "4026531840")
        // A recording without root_netns keeps the default root.
        var old = NamespaceNames()
        old.learn(from: .attached(AttachedRecord(version: 1, host: "h", kernel: "k", probes: [])))
        #expect(old.root == NamespaceNames.defaultRootInode)
    }

    // MARK: events

    @Test func arpEventExactLine() {
        let line = EventRecord(event: SampleEvents.arpRequest, naming: TestNaming()).jsonLine
        #expect(line == #"{"type":"event","time_ns":5000123456,"cpu":1,"function":"arp_process","netns":4026531840,"#
            + #""interface":"va","ifindex":3,"return":0,"return_name":"0","arp_op":"request","sender_ip":"10.77.0.2","#
            + #""sender_mac":"aa:bb:cc:0d:ee:01","target_ip":"10.77.0.1","no_addr":false,"no_in_device":false,"rp_filter":0,"#
            + #""duration_ns":2100}"#)
    }

    @Test("events carry their wall-clock time (UTC) when the stream's offset is known; readers ignore it")
    func eventWallClockTime() throws {
        let record = EventRecord(event: SampleEvents.fib, naming: TestNaming())
        // Booted at 2026-12-03 07:12:00 UTC: the event is 5.0004 s later.
        let line = record.jsonLine(realtimeOffsetNs: 1_796_281_920 * 1_000_000_000)
        #expect(line.hasPrefix(#"{"type":"event","time_ns":5000400000,"time":"2026-12-03T07:12:05.000400Z","cpu":0,"#))
        #expect(try Record(jsonLine: line) == .event(record))
        #expect(record.jsonLine(realtimeOffsetNs: nil) == record.jsonLine)
        #expect(!record.jsonLine.contains(#""time":"#))
    }

    @Test func fibEventExactLine() {
        #expect(EventRecord(event: SampleEvents.fib, naming: TestNaming()).jsonLine
            == #"{"type":"event","time_ns":5000400000,"cpu":0,"function":"fib_lookup","netns":4026531840,"interface":"va","#
            + #""ifindex":3,"return":0,"return_name":"0","table":255,"iif":3,"oif":0,"daddr":"10.77.0.1","saddr":"10.77.0.2","#
            + #""route_type":"RTN_LOCAL","duration_ns":300}"#)
    }

    @Test(arguments: SampleEvents.all)
    func eventRoundTrip(event: ProbeEvent) throws {
        let record = EventRecord(event: event, naming: TestNaming())
        #expect(try roundTrip(.event(record)) == .event(record))
    }

    @Test(arguments: [
        (SampleEvents.arpReply, ["arp_op", "sender_ip", "sender_mac", "target_ip", "no_addr", "no_in_device", "rp_filter"]),
        (SampleEvents.route, ["daddr", "saddr"]),
        (SampleEvents.fib, ["table", "iif", "oif", "daddr", "saddr", "route_type"]),
        (SampleEvents.fibTracepoint, ["table", "iif", "oif", "daddr", "saddr"]),
        (SampleEvents.validate, ["saddr", "daddr", "oif"]),
    ])
    func eventFieldsPerFunction(event: ProbeEvent, specific: [String]) throws {
        let line = EventRecord(event: event, naming: TestNaming()).jsonLine
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let common = ["type", "time_ns", "cpu", "function", "netns", "interface", "ifindex", "return", "return_name", "duration_ns"]
        #expect(Set(object.keys) == Set(common + specific))
    }

    @Test("the bytes --json and --record write are the line and a newline, after what was there")
    func eventLineAsBytes() {
        var out = Array("previous\n".utf8)
        var expected = out
        for event in SampleEvents.all {
            let record = EventRecord(event: event, naming: TestNaming())
            record.appendJSONLine(to: &out, realtimeOffsetNs: 1_796_281_920 * 1_000_000_000)
            expected += Array((record.jsonLine(realtimeOffsetNs: 1_796_281_920 * 1_000_000_000) + "\n").utf8)
        }
        #expect(out == expected)
        #expect(String(decoding: out, as: UTF8.self).split(separator: "\n").count == SampleEvents.all.count + 1)
    }

    @Test func arpOperationsAsWordsOrNumbers() throws {
        var e = SampleEvents.arpReply
        #expect(EventRecord(event: e, naming: TestNaming()).jsonLine.contains(#""arp_op":"reply""#))
        e.arpOp = 8
        let record = EventRecord(event: e, naming: TestNaming())
        #expect(record.jsonLine.contains(#""arp_op":8,"#))
        #expect(try roundTrip(.event(record)) == .event(record))
    }

    @Test func missingEntryIsWrittenOnlyWhenSet() {
        #expect(EventRecord(event: SampleEvents.missingEntry, naming: TestNaming()).jsonLine.contains(#""missing_entry":true"#))
        #expect(!EventRecord(event: SampleEvents.route, naming: TestNaming()).jsonLine.contains("missing_entry"))
    }

    @Test func stringsAreEscaped() throws {
        let r = AttachedRecord(host: "we\"ird\\host\n\t\u{1}é", kernel: "6.1", probes: [])
        #expect(r.jsonLine.contains(#""host":"we\"ird\\host\n\t\u0001é""#))
        #expect(try roundTrip(.attached(r)) == .attached(r))
        let decoded = try JSONSerialization.jsonObject(with: Data(r.jsonLine.utf8)) as? [String: Any]
        #expect(decoded?["host"] as? String == r.host)
    }

    // MARK: snapshots

    @Test func snapshotRoundTripRebuildsTheAggregateSnapshot() throws {
        let snap = snapshot(at: 12.5, Self.counts.merging([key(.arpProcess, "old-name"): 3]) { a, _ in a },
                            stats: stats(submitted: 10, dropped: 1, sampled: 2, noEntry: 3, countFailed: 4))
        let record = SnapshotRecord(snapshot: snap, naming: TestNaming())
        guard case .snapshot(let decoded) = try roundTrip(.snapshot(record)) else {
            Issue.record("not a snapshot")
            return
        }
        #expect(decoded == record)
        #expect(decoded.aggregateSnapshot == snap)
    }

    @Test func snapshotExactLineAndRowOrder() {
        let snap = snapshot(at: 2, [key(.fibLookup, "va", routeType: 2): 6, key(.arpProcess, "va"): 5], stats: stats(submitted: 11))
        #expect(SnapshotRecord(snapshot: snap, naming: TestNaming()).jsonLine
            == #"{"type":"snapshot","time_ns":2000000000,"counts":["#
            + #"{"function":"arp_process","netns":4026531840,"interface":"va","ifindex":3,"return":0,"return_name":"0","count":5},"#
            + #"{"function":"fib_lookup","netns":4026531840,"interface":"va","ifindex":3,"return":0,"return_name":"0","route_type":"RTN_LOCAL","count":6}],"#
            + #""stats":{"submitted":11,"dropped":0,"sampled":0,"no_entry":0,"count_failed":0,"missed":0,"missed_exact":true,"context_unknown":0}}"#)
    }

    @Test func snapshotFilterKeepsMatchingRows() {
        let snap = snapshot(at: 2, Self.counts)
        #expect(SnapshotRecord(snapshot: snap, naming: TestNaming(), filter: .names(["vb"])).rows.isEmpty,
                "a name the aggregator has not resolved matches nothing")
        var a = Aggregator(naming: TestNaming(), interfaceFilter: .names(["vb"]))
        a.ingest(snap)
        let record = SnapshotRecord(snapshot: snap, naming: TestNaming(), filter: a.interfaceFilter)
        #expect(record.rows.map(\.ifname) == ["vb"])
    }

    @Test func duplicateSnapshotRowsAreRefused() {
        let row = #"{"function":"arp_process","netns":1,"interface":"va","ifindex":3,"return":0,"return_name":"0","count":5}"#
        let line = #"{"type":"snapshot","time_ns":1,"counts":["# + row + "," + row
            + #"],"stats":{"submitted":0,"dropped":0,"sampled":0,"no_entry":0}}"#
        #expect(throws: RecordFormatError("counts[1]: the same count row appears twice")) { try Record(jsonLine: line) }
    }

    // MARK: summary

    @Test func summaryShape() throws {
        let line = Self.summary().jsonLine
        let top = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(Set(top.keys) == ["type", "functions", "events_logged", "events_dropped", "events_sampled", "runs_missed", "runs_missed_exact"])
        #expect(top["type"] as? String == "summary")
        #expect(top["events_logged"] as? Int == 27)
        #expect(top["events_dropped"] as? Int == 2)
        #expect(top["events_sampled"] as? Int == 3)

        let functions = try #require(top["functions"] as? [[String: Any]])
        #expect(functions.map { $0["name"] as? String } == ["arp_process", "ip_route_input_slow", "fib_lookup", "fib_validate_source"])

        let arp = functions[0]
        #expect(Set(arp.keys) == ["name", "attach", "target", "calls", "counts"])
        #expect(arp["attach"] as? String == "fentry")
        #expect(arp["target"] as? String == "arp_process")
        #expect(arp["calls"] as? Int == 14)
        let arpRows = try #require(arp["counts"] as? [[String: Any]])
        #expect(arpRows.count == 2)
        #expect(Set(arpRows[0].keys) == ["netns", "interface", "ifindex", "return", "return_name", "count"])
        #expect(arpRows[0]["netns"] as? Int == Int(rootNetns))
        #expect(arpRows[0]["interface"] as? String == "va")
        #expect(arpRows[0]["ifindex"] as? Int == 3)
        #expect(arpRows[0]["return"] as? Int == 0)
        #expect(arpRows[0]["return_name"] as? String == "0")
        #expect(arpRows[0]["count"] as? Int == 5)
        #expect(arpRows[1]["netns"] as? Int == Int(otherNetns))

        let fib = try #require(functions[2]["counts"] as? [[String: Any]])
        #expect(functions[2]["calls"] as? Int == 11)
        // lo (ifindex 1) first; then va by return value, -11 before 0.
        #expect(fib.map { $0["interface"] as? String } == ["lo", "va", "va"])
        #expect(fib.map { $0["return_name"] as? String } == ["0", "EAGAIN", "0"])
        #expect(fib.map { $0["route_type"] as? String } == [nil, nil, "RTN_LOCAL"])
        #expect(fib[1]["return"] as? Int == -11)

        let fvs = functions[3]
        #expect(Set(fvs.keys) == ["name", "attach", "reason", "calls", "counts"])
        #expect(fvs["attach"] as? String == "unavailable")
        #expect(fvs["reason"] as? String == "fentry: 8 arguments; kprobe: CONFIG_KPROBES is off")
        #expect(fvs["calls"] as? Int == 0)
        #expect((fvs["counts"] as? [Any])?.isEmpty == true)
    }

    @Test func summaryExactLine() {
        var a = Aggregator(naming: TestNaming())
        a.ingest(snapshot(at: 1, [key(.arpProcess, "va"): 5, key(.fibLookup, "va", routeType: 2): 2], stats: stats(submitted: 7)))
        #expect(a.summary(probes: Self.probes).jsonLine
            == #"{"type":"summary","functions":["#
            + #"{"name":"arp_process","attach":"fentry","target":"arp_process","calls":5,"counts":["#
            + #"{"netns":4026531840,"interface":"va","ifindex":3,"return":0,"return_name":"0","count":5}]},"#
            + #"{"name":"ip_route_input_slow","attach":"fentry","target":"ip_route_input_slow","calls":0,"counts":[]},"#
            + #"{"name":"fib_lookup","attach":"fentry","target":"fib_table_lookup","calls":2,"counts":["#
            + #"{"netns":4026531840,"interface":"va","ifindex":3,"return":0,"return_name":"0","route_type":"RTN_LOCAL","count":2}]},"#
            + #"{"name":"fib_validate_source","attach":"unavailable","reason":"fentry: 8 arguments; kprobe: CONFIG_KPROBES is off","calls":0,"counts":[]}],"#
            + #""events_logged":7,"events_dropped":0,"events_sampled":0,"runs_missed":0,"runs_missed_exact":true}"#)
    }

    @Test func summaryHonoursTheFilter() throws {
        let s = Self.summary(filter: .names(["vb"]))
        #expect(s.functions.map(\.calls) == [9, 0, 0, 0])
        #expect(s.functions[0].rows.map(\.ifname) == ["vb"])
        #expect(s.functions[2].rows.isEmpty)
    }

    @Test func summaryEventsLoggedCanBeGiven() {
        var a = Aggregator(naming: TestNaming())
        a.ingest(snapshot(at: 1, [:], stats: stats(submitted: 100)))
        #expect(a.summary(probes: Self.probes, eventsLogged: 42).eventsLogged == 42)
    }

    @Test func summaryReportsMissingProbesAsUnavailable() {
        let s = Aggregator(naming: TestNaming()).summary(probes: [])
        #expect(s.functions.map(\.status.isAttached) == [false, false, false, false])
        #expect(s.functions.map(\.status.reason) == Array(repeating: "not probed", count: 4))
    }

    @Test func summaryFromOneSnapshot() {
        let s = SummaryRecord(probes: Self.probes, snapshot: snapshot(at: 1, Self.counts, stats: stats(submitted: 27, dropped: 2, sampled: 3)),
                              naming: TestNaming(), filter: .all)
        #expect(s == Self.summary())
    }

    @Test func summaryRoundTrip() throws {
        let s = Self.summary()
        #expect(try roundTrip(.summary(s)) == .summary(s))
    }

    // MARK: naming learned from records

    @Test func recordedNamingLearnsFromRecords() throws {
        var naming = RecordedNaming()
        naming.learn(from: .event(EventRecord(event: SampleEvents.missingEntry, naming: TestNaming())))
        naming.learn(from: .snapshot(SnapshotRecord(snapshot: snapshot(at: 1, Self.counts), naming: TestNaming())))
        #expect(naming.returnName(50, of: .ipRouteInputSlow) == "IP_RPFILTER")
        #expect(naming.returnName(-18, of: .ipRouteInputSlow) == "EXDEV")
        #expect(naming.returnName(-11, of: .fibLookup) == "EAGAIN")
        #expect(naming.routeTypeName(2) == "RTN_LOCAL")
        // Never seen: decimal, and per function.
        #expect(naming.returnName(-18, of: .fibValidateSource) == "-18")
        #expect(naming.routeTypeName(9) == "9")
    }

    // MARK: decoding errors

    @Test(arguments: [
        (#"[1,2]"#, "expected a JSON object, found an array"),
        (#"{"time_ns":1}"#, #"field "type" is missing"#),
        (#"{"type":"bogus"}"#, #"unknown record type "bogus" (this arptop knows attached, event, snapshot, summary, netns)"#),
        (#"{"type":7}"#, #"field "type": expected a string, found 7"#),
        (#"{"type":"event","function":"arp_process","time_ns":-1,"cpu":0}"#, #"field "time_ns": expected an integer from 0 to 18446744073709551615, found -1"#),
        (#"{"type":"event","function":"fib_lookup","time_ns":1.5}"#, #"field "time_ns": expected an integer from 0 to 18446744073709551615, found 1.5"#),
        (#"{"type":"event","function":"arp_send"}"#, #"field "function": expected a function arptop watches, found "arp_send""#),
        (#"{"type":"snapshot","time_ns":1,"counts":[{"function":"fib_lookup","netns":1,"interface":"a","ifindex":1,"return":3000000000}]}"#,
         #"field "counts[0].return": expected an integer from -2147483648 to 2147483647, found 3000000000"#),
        (#"{"type":"snapshot","time_ns":1,"counts":[{"function":"fib_lookup","netns":1,"interface":"a","ifindex":1,"return":0,"return_name":"0","route_type":"RTN_BOGUS","count":1}]}"#,
         #"field "counts[0].route_type": expected an RTN_* route type, found "RTN_BOGUS""#),
        (#"{"type":"attached","version":1,"host":"h","kernel":"k","probes":[{"name":"arp_process","attach":"uprobe"}]}"#,
         #"field "probes[0].attach": expected fentry, kprobe, tracepoint or unavailable, found "uprobe""#),
        (#"{"type":"attached","version":0,"host":"h","kernel":"k","probes":[]}"#, #"field "version": 0 is not a valid format version"#),
        (#"{"type":"netns","netns":-1,"name":"t1"}"#, #"field "netns": expected an integer from 0 to 4294967295, found -1"#),
        (#"{"type":"netns","netns":4026532289,"name":""}"#, #"field "name": a namespace name cannot be empty"#),
        (#"{"type":"netns","netns":4026532289}"#, #"field "name" is missing"#),
        (#"{"type":"summary","functions":[],"events_logged":"3"}"#, #"field "events_logged": expected an integer from 0 to 18446744073709551615, found "3""#),
        (#"{"type":"summary","functions":{}}"#, #"field "functions": expected an array, found an object"#),
        (#"{"type":"event","time_ns":1,"cpu":0,"function":"arp_process","netns":1,"interface":"va","ifindex":3,"return":0,"return_name":"0","arp_op":"query"}"#,
         #"field "arp_op": expected "request", "reply" or a number, found "query""#),
        (#"{"type":"event","time_ns":1,"cpu":0,"function":"ip_route_input_slow","netns":1,"interface":"va","ifindex":3,"return":0,"return_name":"0","daddr":"10.0.0.300","saddr":"1.2.3.4"}"#,
         #"field "daddr": expected an IPv4 address, found "10.0.0.300""#),
        (#"{"type":"event""#, "invalid JSON at column 16: input ends where ',' or '}' was expected"),
    ])
    func decodingErrorsNameTheField(line: String, message: String) {
        #expect(throws: RecordFormatError(message)) { try Record(jsonLine: line) }
    }

    @Test func unknownFieldsAreIgnored() throws {
        let line = #"{"type":"attached","version":2,"host":"h","kernel":"k","probes":[],"future_field":{"x":[1,2]}}"#
        #expect(try Record(jsonLine: line) == .attached(AttachedRecord(host: "h", kernel: "k", probes: [])))
    }
}
