import Testing
@testable import ArptopCore

@Suite("stop signals")
struct StopRequestsTests {
    static let sigint: Int32 = 2, sigterm: Int32 = 15

    @Test("timeout -s INT: arptop and its process group signalled at once is one request")
    func duplicateFromTheProcessGroup() {
        var s = StopRequests()
        #expect(s.receive(Self.sigint, atNs: 5_000_000_000) == .stop)
        #expect(s.receive(Self.sigint, atNs: 5_000_000_300) == .duplicate)
        #expect(s.receive(Self.sigint, atNs: 5_999_999_999) == .duplicate)
        #expect(!s.hurrying)
    }

    @Test("a signal of another kind within the window is a duplicate too (Ctrl-C then the supervisor's SIGTERM)")
    func otherKindWithinWindow() {
        var s = StopRequests()
        #expect(s.receive(Self.sigint, atNs: 1_000) == .stop)
        #expect(s.receive(Self.sigterm, atNs: 2_000) == .duplicate)
        #expect(s.first?.signal == Self.sigint)
    }

    @Test("a second request after the window: hurry (write what is owed from what was read), then every later one too")
    func insisting() {
        var s = StopRequests()
        #expect(s.receive(Self.sigint, atNs: 10_000_000_000) == .stop)
        #expect(s.receive(Self.sigint, atNs: 11_000_000_000) == .hurry)
        #expect(s.hurrying)
        #expect(s.receive(Self.sigterm, atNs: 11_000_000_001) == .hurry)
    }

    @Test("a clock that went backwards is not taken for a duplicate")
    func clockBackwards() {
        var s = StopRequests()
        #expect(s.receive(Self.sigint, atNs: 10_000) == .stop)
        #expect(s.receive(Self.sigint, atNs: 5_000) == .hurry)
    }
}
