import Testing
@testable import ArptopCore

@Suite("Event log")
struct EventLogTests {
    func event(_ n: UInt64, on ifname: String = "va") -> ProbeEvent {
        ProbeEvent(timestampNs: n, function: .arpProcess, cpu: 0, interface: va, ifname: ifname, ret: 0)
    }

    @Test func defaultCapacity() {
        #expect(EventLog().capacity == 10_000)
    }

    @Test(arguments: [1, 3, 100])
    func keepsTheNewestAndCountsEvictions(capacity: Int) {
        var log = EventLog(capacity: capacity)
        log.append(contentsOf: (0..<250).map { event($0) })
        #expect(log.count == capacity)
        #expect(log.received == 250)
        #expect(log.evicted == UInt64(250 - capacity))
        #expect(log.events.map(\.timestampNs) == Array(UInt64(250 - capacity)..<250))
    }

    @Test func staysWithinCapacityUnderAFlood() {
        var log = EventLog(capacity: 1_000)
        for n in 0..<100_000 { log.append(event(UInt64(n))) }
        #expect(log.count == 1_000)
        #expect(log.evicted == 99_000)
    }

    @Test func recentIsNewestLimitedOldestFirstWithSequenceNumbers() {
        var log = EventLog(capacity: 3)
        log.append(contentsOf: (0..<5).map { event($0) })
        let recent = log.recent(2)
        #expect(recent.map(\.sequence) == [3, 4])
        #expect(recent.map(\.event.timestampNs) == [3, 4])
        #expect(log.recent(10).map(\.sequence) == [2, 3, 4])
    }

    @Test func recentFiltersByInterface() {
        var log = EventLog(capacity: 10)
        let vb = InterfaceID(netns: rootNetns, ifindex: 4)
        var byName = InterfaceFilter(names: ["vb"])
        for n in 0..<8 {
            var e = event(UInt64(n), on: n % 2 == 0 ? "va" : "vb")
            if n % 2 == 1 { e.interface = vb }
            byName.learn(e.interface, name: e.ifname)
            log.append(e)
        }
        let onVb = log.recent(3, filter: byName)
        #expect(onVb.map(\.event.timestampNs) == [3, 5, 7])
        #expect(onVb.map(\.sequence) == [3, 5, 7])
        #expect(log.recent(100, filter: .interfaces([va, vb])).count == 8)
        #expect(log.recent(100, filter: .names(["nope"])).isEmpty)
    }

    @Test("the log is filtered by interface, not by the name an event carries: a nameless lookup on vb is vb's")
    func filterMatchesByIdentity() {
        var log = EventLog(capacity: 10)
        log.append(event(1, on: "va"))
        log.append(event(2, on: ""))  // same interface (va's id), name not known at the call
        #expect(log.recent(10, filter: .interfaces([va])).map(\.event.timestampNs) == [1, 2])
        #expect(log.recent(10, filter: .interfaces([InterfaceID(netns: otherNetns, ifindex: 3)])).isEmpty,
                "the same ifindex in another namespace is another interface")
    }

    @Test func clearForgetsEventsButNotSequence() {
        var log = EventLog(capacity: 4)
        log.append(contentsOf: (0..<6).map { event($0) })
        log.clear()
        #expect(log.count == 0)
        #expect(log.receivedSinceClear == 0)
        #expect(log.received == 6)
        log.append(event(6))
        #expect(log.recent(5).map(\.sequence) == [6])
        #expect(log.receivedSinceClear == 1)
    }

    // MARK: descriptions

    @Test(arguments: [
        (SampleEvents.arpRequest, "request who-has 10.77.0.1 tell 10.77.0.2 (aa:bb:cc:0d:ee:01)"),
        (SampleEvents.arpReply, "reply 10.77.0.1 is-at aa:bb:cc:0d:ee:01 no_addr rp_filter=1"),
        (SampleEvents.route, "10.77.0.2 -> 10.77.0.1"),
        (SampleEvents.fib, "table 255 iif 3 oif 0 10.77.0.2 -> 10.77.0.1 RTN_LOCAL"),
        (SampleEvents.fibTracepoint, "table 254 iif 3 oif 0 10.77.0.2 -> 10.88.0.9"),
        (SampleEvents.validate, "src 10.88.0.5 dst 10.77.0.1 oif 0"),
        (SampleEvents.missingEntry, "(entry not seen: attached mid-call)"),
    ])
    func details(event: ProbeEvent, expected: String) {
        #expect(event.details(naming: TestNaming()) == expected)
    }

    @Test func otherArpOperationsAndNoInDevice() {
        var e = SampleEvents.arpRequest
        e.arpOp = 8
        e.noInDevice = true
        #expect(e.details(naming: TestNaming()) == "op 8 10.77.0.2 (aa:bb:cc:0d:ee:01) -> 10.77.0.1 no_in_device")
    }

    @Test func logLines() {
        // 2026-12-03 14:03:02 UTC at boot, so 5 s after boot is 14:03:07 (UTC viewer, same day).
        let boot: Int64 = 1_796_306_582 * 1_000_000_000
        let clock = EventClock(realtimeOffsetNs: boot, zone: .utcOffset(seconds: 0), now: .realtime(ns: boot + 3_600_000_000_000))
        #expect(SampleEvents.arpRequest.logLine(naming: TestNaming(), times: clock.times())
            == "14:03:07.000 cpu1 va       arp_process         request who-has 10.77.0.1 tell 10.77.0.2 (aa:bb:cc:0d:ee:01) ret=0")
        #expect(SampleEvents.validate.logLine(naming: TestNaming(), times: clock.times())
            == "14:03:07.000 cpu1 vb       fib_validate_source src 10.88.0.5 dst 10.77.0.1 oif 0 ret=EXDEV")
        var unnamed = SampleEvents.route
        unnamed.ifname = ""
        #expect(unnamed.logLine(naming: TestNaming()) == "boot+5.000s cpu0 if3      ip_route_input_slow 10.77.0.2 -> 10.77.0.1 ret=EXDEV")
    }

    @Test func interfaceLabelAndErrors() {
        var e = SampleEvents.route
        #expect(e.interfaceLabel == "va")
        #expect(e.isError)
        e.ifname = ""
        #expect(e.interfaceLabel == "if3")
        e.interface.ifindex = 0
        #expect(e.interfaceLabel == "-")
        #expect(!SampleEvents.arpRequest.isError)
        #expect(SampleEvents.missingEntry.isError)  // a positive drop reason
    }

    @Test func macAddresses() {
        #expect(MAC.format(mac) == "aa:bb:cc:0d:ee:01")
        #expect(MAC.parse("aa:bb:cc:0d:ee:01") == mac)
        #expect(MAC.parse("AA:B:cc:0d:ee:01") == [0xaa, 0x0b, 0xcc, 0x0d, 0xee, 0x01])
        #expect(MAC.parse("aa:bb:cc:0d:ee:") == nil)
        #expect(MAC.parse("aa:bb:cc:0d:ee:zz") == nil)
        #expect(MAC.parse("aabbcc0dee01") == nil)
    }
}
