import Testing
@testable import ArptopCore

/// Event times as a person reads them, with the clock, the zone and "now" injected: nothing
/// here depends on the machine's time or time zone.
@Suite("Event clock")
struct EventClockTests {
    static let second: Int64 = 1_000_000_000
    /// 2026-12-03 00:00:00 UTC, in nanoseconds since the epoch.
    static let dec3: Int64 = 1_796_256_000 * second
    /// The machine booted at 2026-12-03 07:00:00 UTC: monotonic 0 is then.
    static let offset = dec3 + 7 * 3600 * second

    static func times(zone seconds: Int = 0, now: Int64 = EventClockTests.dec3 + 12 * 3600 * EventClockTests.second,
                      offset: Int64? = EventClockTests.offset) -> EventTimes {
        EventClock(realtimeOffsetNs: offset, zone: .utcOffset(seconds: seconds), now: .realtime(ns: now)).times()
    }

    static func mono(_ seconds: Int64, ms: Int64 = 0) -> UInt64 { UInt64(seconds * second + ms * 1_000_000) }

    @Test("today: local HH:MM:SS.mmm, milliseconds truncated")
    func today() {
        let t = Self.times()
        #expect(t.string(Self.mono(0)) == "07:00:00.000")
        #expect(t.string(Self.mono(12 * 60 + 5, ms: 123) + 999_999) == "07:12:05.123")
        #expect(t.seconds(Self.mono(12 * 60 + 5, ms: 999)) == "07:12:05")
    }

    @Test("another day: the date first, in the viewer's zone")
    func anotherDay() {
        let t = Self.times()
        // 17 h after boot is 00:00 on Dec 4 (UTC): not today.
        #expect(t.string(Self.mono(17 * 3600, ms: 1)) == "2026-12-04 00:00:00.001")
        #expect(t.seconds(Self.mono(17 * 3600)) == "2026-12-04 00:00:00")
        // A recording from last week, replayed today.
        let week = Self.times(now: Self.dec3 + 7 * 86_400 * Self.second)
        #expect(week.string(Self.mono(60)) == "2026-12-03 07:01:00.000")
    }

    @Test("the viewer's time zone decides the time and the day")
    func zones() {
        // Boot at 07:00 UTC is 08:00 in UTC+1 and 23:00 the day before in UTC-8.
        #expect(Self.times(zone: 3600).string(Self.mono(0)) == "08:00:00.000")
        let pacific = Self.times(zone: -8 * 3600)  // now: 04:00 Dec 3 there
        #expect(pacific.string(Self.mono(0)) == "2026-12-02 23:00:00.000")
        #expect(pacific.string(Self.mono(3600)) == "00:00:00.000")
        // Half-hour zones (India, UTC+5:30).
        #expect(Self.times(zone: 19_800).string(Self.mono(0)) == "12:30:00.000")
    }

    @Test("no 24 h wrap: a day later shows the next day's date")
    func noWrap() {
        let t = Self.times()
        let a = t.string(Self.mono(3600))
        let b = t.string(Self.mono(3600 + 86_400))
        #expect(a == "08:00:00.000")
        #expect(b == "2026-12-04 08:00:00.000")
    }

    @Test("a recording without the offset: time since boot, marked, never wrapping")
    func sinceBoot() {
        let t = Self.times(offset: nil)
        #expect(t.today == nil)
        #expect(t.string(Self.mono(754, ms: 123)) == "boot+754.123s")
        #expect(t.string(Self.mono(0)) == "boot+0.000s")
        #expect(t.string(Self.mono(86_400 * 3 + 5, ms: 7)) == "boot+259205.007s")
        #expect(t.seconds(Self.mono(754, ms: 999)) == "boot+754s")
        #expect(EventTimes.sinceBoot.string(Self.mono(1)) == "boot+1.000s")
        #expect(EventClock.sinceBoot.times() == EventTimes.sinceBoot)
    }

    @Test("UTC ISO 8601 for records, microseconds", arguments: [
        (UInt64(0), "2026-12-03T07:00:00.000000Z"),
        (UInt64(12 * 60 * 1_000_000_000 + 123_456_789), "2026-12-03T07:12:00.123456Z"),
        (UInt64(17 * 3600 * 1_000_000_000), "2026-12-04T00:00:00.000000Z"),
    ])
    func iso8601(mono: UInt64, expected: String) {
        #expect(EventTimes.utcISO8601(mono, realtimeOffsetNs: Self.offset) == expected)
    }

    @Test func iso8601WithoutOffset() {
        #expect(EventTimes.utcISO8601(1, realtimeOffsetNs: nil) == nil)
    }

    @Test("civil dates: epoch, leap days, centuries", arguments: [
        (Int64(0), "1970-01-01"), (Int64(-1), "1969-12-31"), (Int64(11_016), "2000-02-29"),
        (Int64(20_790), "2026-12-03"), (Int64(47_541), "2100-03-01"), (Int64(24_165), "2036-02-29"),
    ])
    func civilDates(days: Int64, expected: String) {
        #expect(EventTimes.civilDate(days) == expected)
    }

    @Test("the machine's clock: a measured offset near REALTIME - MONOTONIC, a today")
    func local() throws {
        let clock = EventClock.local()
        // Booted after 2020 and not in the future by much: only the shape is checked.
        let offset = try #require(clock.realtimeOffsetNs)
        #expect(offset > 1_577_836_800 * Self.second)
        #expect(clock.times().today != nil)
        let text = clock.times().string(1)
        #expect(text.count == 12 || text.count == 23)
    }
}
