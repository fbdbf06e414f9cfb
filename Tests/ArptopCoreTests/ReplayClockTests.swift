import Testing
@testable import ArptopCore

@Suite("replay clock")
struct ReplayClockTests {
    static let s: UInt64 = 1_000_000_000

    @Test("not started: no time, position 0; started: the recording's time advances with the wall clock")
    func startAndAdvance() {
        var c = ReplayClock()
        #expect(c.time(now: 5 * Self.s) == nil)
        #expect(c.position(now: 5 * Self.s, delivered: 0, end: nil, atEnd: false) == 0)
        c.start(at: 100 * Self.s, now: 5 * Self.s)
        #expect(c.origin == 100 * Self.s)
        #expect(c.time(now: 7 * Self.s) == 102 * Self.s)
        c.start(at: 900 * Self.s, now: 7 * Self.s)  // a later record does not restart it
        #expect(c.origin == 100 * Self.s)
        #expect(c.seconds(at: c.position(now: 8 * Self.s, delivered: 0, end: nil, atEnd: false)) == 3)
    }

    @Test("a speed change keeps the time reached and goes on at the new speed, within ×1/16 to ×64")
    func speed() {
        var c = ReplayClock()
        c.start(at: 0, now: 0)
        c.faster(now: 2 * Self.s)  // 2 s played at ×1
        #expect(c.speed == 2)
        #expect(c.time(now: 3 * Self.s) == 4 * Self.s)
        for _ in 0..<10 { c.faster(now: 3 * Self.s) }
        #expect(c.speed == 64)
        for _ in 0..<20 { c.slower(now: 3 * Self.s) }
        #expect(c.speed == 1.0 / 16)
        #expect(c.time(now: 3 * Self.s) == 4 * Self.s)
        #expect(c.time(now: 19 * Self.s) == 5 * Self.s)
        #expect(ReplayClock.speedLabel(c.speed) == "1/16")
        #expect(ReplayClock.speedLabel(8) == "8")
    }

    @Test("paused, the clock stands still; resumed, it goes on from where it stopped")
    func pause() {
        var c = ReplayClock()
        c.start(at: 10 * Self.s, now: 0)
        c.setPaused(true, now: 1 * Self.s)
        #expect(c.isPaused)
        #expect(c.time(now: 50 * Self.s) == 11 * Self.s)
        c.setPaused(true, now: 60 * Self.s)  // already paused: nothing moves
        c.setPaused(false, now: 70 * Self.s)
        #expect(c.time(now: 72 * Self.s) == 13 * Self.s)
    }

    @Test("a now read before a key moved the anchor is the anchor's time, not a wrap-around")
    func staleNow() {
        var c = ReplayClock()
        c.start(at: 10 * Self.s, now: 0)
        c.faster(now: 5 * Self.s)  // the key, read after the loop's now
        #expect(c.time(now: 4 * Self.s) == 15 * Self.s)
        #expect(c.position(now: 4 * Self.s, delivered: 0, end: nil, atEnd: false) == 15 * Self.s)
    }

    @Test("a jump continues from the given time; reset forgets the origin but keeps the speed")
    func jumpAndReset() {
        var c = ReplayClock()
        c.start(at: 0, now: 0)
        c.faster(now: 0)
        c.jump(to: 40 * Self.s, now: 10 * Self.s)
        #expect(c.time(now: 11 * Self.s) == 42 * Self.s)
        c.reset()
        #expect(c.origin == nil && c.time(now: 11 * Self.s) == nil)
        c.start(at: 5 * Self.s, now: 20 * Self.s)
        #expect(c.speed == 2)
        #expect(c.time(now: 21 * Self.s) == 7 * Self.s)
    }

    @Test("the position never goes before what was delivered nor past the end, and is the last delivered at the end")
    func position() {
        var c = ReplayClock()
        c.start(at: 100 * Self.s, now: 0)
        #expect(c.position(now: 1 * Self.s, delivered: 105 * Self.s, end: 200 * Self.s, atEnd: false) == 105 * Self.s)
        #expect(c.position(now: 500 * Self.s, delivered: 105 * Self.s, end: 200 * Self.s, atEnd: false) == 200 * Self.s)
        #expect(c.position(now: 500 * Self.s, delivered: 150 * Self.s, end: nil, atEnd: true) == 150 * Self.s)
        #expect(c.position(now: 500 * Self.s, delivered: 0, end: 50 * Self.s, atEnd: false) == 100 * Self.s,
                "an end before the origin (a bad tail) never moves the position back")
    }

    @Test("positions read m:ss, and h:mm:ss from an hour", arguments: [
        (0.0, "0:00"), (12.9, "0:12"), (61, "1:01"), (3600, "1:00:00"), (3725, "1:02:05"), (-3, "0:00"),
    ])
    func clockLabel(seconds: Double, label: String) {
        #expect(ReplayClock.clockLabel(seconds) == label)
    }
}
