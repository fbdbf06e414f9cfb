import ArptopCore
import Testing
@testable import ArptopUI

@Suite("The log filter's text match")
struct LogFilterTests {
    @Test("an address matches whole: not a longer number on either side", arguments: [
        ("10.77.0.9", "request who-has 10.77.0.9 tell 10.77.0.2", true),
        ("10.77.0.9", "request who-has 10.77.0.90 tell 10.77.0.2", false),
        ("10.77.0.9", "request who-has 110.77.0.9 tell 10.77.0.2", false),
        ("10.77.0.9", "src 10.77.0.9) end", true),
        ("10.77.0.9", "10.77.0.9", true),
        ("10.77.", "reply 10.77.0.1 is-at aa:bb:cc:dd:ee:01", true),
        ("10.77.", "reply 110.77.0.1 is-at aa:bb:cc:dd:ee:01", false),
        ("eth1", "eth10 fib_lookup", false),
        ("eth1", "eth1 fib_lookup", true),
        ("vb@t1", "14:12:35.700   0 vb@t1 arp_process reply", true),
        ("EXDEV", "fib_validate_source ! exdev", true),
        ("exdev", "fib_validate_source EXDEV", true),
        ("ee:01", "is-at aa:bb:cc:dd:ee:01", true),
        ("ee:0", "is-at aa:bb:cc:dd:ee:01", false),
        ("", "anything", true),
    ])
    func addressMatchesWhole(query: String, text: String, matches: Bool) {
        #expect(TextMatch.Query(query).occurs(in: text) == matches)
    }

    @Test func highlightColumnsCountWideCharacters() {
        // "×" is one column and two UTF-8 bytes: the match after it starts at column 2.
        let cols = TextMatch.columns(of: "10.77", in: "× 10.77.0.1 10.77.0.2")
        #expect(cols.map(\.col) == [2, 12])
        #expect(cols.map(\.width) == [5, 5])
    }

    @Test("the filter keeps a line by the text its mode shows, errors only by its return or verdict")
    func lineMatching() {
        let call = LogLine(sequence: 1, time: "14:00:00.000", cpu: 0, interface: "va", function: .ipRouteInputSlow,
                           details: "10.77.0.2 -> 10.77.0.1", returnName: "0", isError: false)
        #expect(LogFilter(text: "ip_rt_in_slow").matches(call, mode: .calls), "the narrow log's name")
        #expect(LogFilter(text: "ip_route_input_slow").matches(call, mode: .calls))
        #expect(!LogFilter(errorsOnly: true).matches(call, mode: .calls))
        var packet = call
        packet.function = .arpProcess
        packet.packet = PacketLine(op: "request", sender: "10.77.0.50", target: "10.77.0.1", verdict: "rp_filter",
                                   reason: "IP_RPFILTER", isUnanswered: true, why: "not answered: rp_filter=1 (strict) on vc")
        #expect(LogFilter(errorsOnly: true).matches(packet, mode: .packets), "unanswered, though arp_process returned 0")
        #expect(LogFilter(errorsOnly: true).matches(packet, mode: .calls))
        #expect(LogFilter(text: "IP_RPFILTER").matches(packet, mode: .packets))
        #expect(!LogFilter(text: "IP_RPFILTER").matches(packet, mode: .calls), "the calls log shows no verdict")
        #expect(LogFilter(text: "10.77.0.50", errorsOnly: true).matches(packet, mode: .packets))
        #expect(!LogFilter(text: "10.77.0.5", errorsOnly: true).matches(packet, mode: .packets))
    }
}

@Suite("The log filter between refreshes")
struct FilteredLinesTests {
    @Test("live refreshes test only the new lines, and show what filtering every line shows: new events, eviction, names learned, pause, clear")
    func incrementalEqualsWhole() {
        let cache = LogLineCache()
        var log = EventLog(capacity: 600)
        let unnamed = InterfaceID(netns: 4_026_531_840, ifindex: 9)
        let ids = [AdapterTests.va, AdapterTests.eth0, unnamed]
        var aggregator = AdapterTests.aggregator()
        var feed = EventFeed(interfaces: [(ids[0], "va"), (ids[1], "eth0"), (unnamed, "")], arpEvery: 2)
        func append(_ n: Int) { feed.append(n, to: &log) }
        func model() -> ScreenModel {
            ScreenModel(aggregator: aggregator, log: log, source: AdapterTests.source, elapsedSeconds: 2, maxLogLines: 400, lineCache: cache)
        }
        append(100)
        var state = UIState(model: model(), size: TerminalSize(rows: 48, cols: 160))
        var checked = 0
        func check(_ step: String) {
            let whole = state.shownFilter.apply(to: state.unfilteredModel)
            #expect(state.displayedModel.log.lines == whole.log.lines, "\(step)")
            #expect(state.displayedModel.log.packets == whole.log.packets, "\(step)")
            checked += state.displayedModel.log.lines.count
        }
        for text in ["eth9", "va", "1.0"] {
            _ = state.handle(.escape)  // the last filter off
            state.applyFilter(text)
            #expect(state.filter.text == text)
            check("\(text): filtered")
            for round in 0..<4 { append(90); state.update(model()); check("\(text): refresh \(round)") }
            aggregator.ingest(AggregateSnapshot(monotonicNs: feed.time, counts: [AdapterTests.key(.fibLookup, unnamed, "eth9", 0): 1],
                                                stats: StreamStats()))
            append(10); state.update(model()); check("\(text): ifindex 9 named eth9 by the counts")
            if text == "eth9" { #expect(state.displayedModel.log.lines.count > 100, "the name learned reaches the lines already kept") }
            _ = state.handle(.character(" ")); append(50); state.update(model()); check("\(text): paused")
            _ = state.handle(.character(" ")); state.update(model()); check("\(text): resumed")
            _ = state.handle(.character("e")); append(30); state.update(model()); check("\(text): errors only")
            _ = state.handle(.character("e"))
            log.clear(); state.update(model()); check("\(text): cleared")
            append(40); state.update(model()); check("\(text): after the clear")
            aggregator = AdapterTests.aggregator()
        }
        #expect(checked > 1_000, "the filters kept lines to compare")
    }
}
