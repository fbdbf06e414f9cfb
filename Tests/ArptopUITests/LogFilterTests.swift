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
