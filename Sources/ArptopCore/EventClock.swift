#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows the timestamps of events and snapshots (CLOCK_MONOTONIC, `bpf_ktime_get_ns`) to a
/// person: local wall-clock time when the offset to the wall clock is known (live, or a
/// recording whose `attached` record carries it), else time since boot, marked as such.
///
/// Pure apart from `.system` zone and now, which read the machine's clock and time zone; tests
/// inject a fixed UTC offset and a fixed now.
public struct EventClock: Sendable, Equatable {
    /// The viewer's time zone.
    public enum Zone: Sendable, Equatable {
        /// The machine's: `TZ` or /etc/localtime, daylight saving time per instant (`localtime_r`).
        case system
        /// A fixed offset east of UTC, in seconds.
        case utcOffset(seconds: Int)
    }

    /// What "today" is: events on another local day are shown with their date.
    public enum Now: Sendable, Equatable {
        /// CLOCK_REALTIME, read when a refresh's formatter is made.
        case system
        /// A fixed wall-clock time, in nanoseconds since the epoch (UTC).
        case realtime(ns: Int64)
    }

    /// CLOCK_REALTIME − CLOCK_MONOTONIC where the events were recorded: an event's timestamp
    /// plus this is nanoseconds since the epoch (UTC). Nil when unknown (a recording made by an
    /// arptop that did not write it): times are then shown since boot.
    public var realtimeOffsetNs: Int64?
    public var zone: Zone
    public var now: Now

    public init(realtimeOffsetNs: Int64?, zone: Zone = .system, now: Now = .system) {
        self.realtimeOffsetNs = realtimeOffsetNs
        self.zone = zone
        self.now = now
    }

    /// Time since boot: a recording without the offset.
    public static let sinceBoot = EventClock(realtimeOffsetNs: nil)

    /// This machine's clock: its wall-clock offset now, its time zone, its today.
    public static func local() -> EventClock { EventClock(realtimeOffsetNs: measureRealtimeOffsetNs()) }

    /// CLOCK_REALTIME − CLOCK_MONOTONIC now, in nanoseconds (what the `attached` record carries).
    /// Wraps `clock_gettime`; the two reads are a few nanoseconds apart.
    public static func measureRealtimeOffsetNs() -> Int64 {
        var real = timespec(), mono = timespec()
        clock_gettime(CLOCK_MONOTONIC, &mono)
        clock_gettime(CLOCK_REALTIME, &real)
        return nanoseconds(real) - nanoseconds(mono)
    }

    static func nanoseconds(_ t: timespec) -> Int64 { Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec) }

    /// The formatter for one refresh: today's date is fixed when it is made.
    public func times() -> EventTimes {
        guard realtimeOffsetNs != nil else { return EventTimes(clock: self, today: nil) }
        let nowNs: Int64
        switch now {
        case .realtime(let ns): nowNs = ns
        case .system:
            var real = timespec()
            clock_gettime(CLOCK_REALTIME, &real)
            nowNs = Self.nanoseconds(real)
        }
        return EventTimes(clock: self, today: localDay(utcNs: nowNs))
    }

    /// The UTC offset of `zone` at a wall-clock instant, in seconds.
    func utcOffsetSeconds(at epochSeconds: Int64) -> Int64 {
        switch zone {
        case .utcOffset(let seconds): return Int64(seconds)
        case .system:
            var t = time_t(epochSeconds)
            var parts = tm()
            guard localtime_r(&t, &parts) != nil else { return 0 }
            return Int64(parts.tm_gmtoff)
        }
    }

    /// Local nanoseconds since the local epoch (1970-01-01 00:00 local) of a UTC instant.
    func localNs(utcNs: Int64) -> Int64 {
        utcNs &+ utcOffsetSeconds(at: floorDiv(utcNs, 1_000_000_000)) &* 1_000_000_000
    }

    func localDay(utcNs: Int64) -> Int64 { floorDiv(localNs(utcNs: utcNs), EventTimes.dayNs) }
}

/// Event times as text for one refresh (see `EventClock.times()`):
/// - wall clock known: local `HH:MM:SS.mmm`, prefixed with `YYYY-MM-DD ` when the event's
///   local date is not today;
/// - not known: `boot+SECONDS.mmms`, seconds since boot (never wraps; `journalctl -o
///   short-monotonic` counts the same way).
public struct EventTimes: Sendable, Equatable {
    public let clock: EventClock
    /// Today as local days since 1970-01-01; nil for time since boot (no dates).
    public let today: Int64?

    static let dayNs: Int64 = 86_400 * 1_000_000_000

    /// Time since boot (a recording without the wall-clock offset).
    public static let sinceBoot = EventTimes(clock: .sinceBoot, today: nil)

    /// "14:03:07.123", "2026-12-02 23:59:59.999" (another day), or "boot+754.123s".
    public func string(_ monotonicNs: UInt64) -> String { format(monotonicNs, millis: true) }

    /// To the second: "14:03:07", "2026-12-02 23:59:59", or "boot+754s".
    public func seconds(_ monotonicNs: UInt64) -> String { format(monotonicNs, millis: false) }

    /// The wall-clock time of a timestamp in UTC, ISO 8601 with microseconds
    /// ("2026-12-03T07:12:00.123456Z"); nil when the offset is unknown.
    public static func utcISO8601(_ monotonicNs: UInt64, realtimeOffsetNs: Int64?) -> String? {
        guard let offset = realtimeOffsetNs else { return nil }
        var w = JSONWriter(capacity: 32)  // the spelling of the event records' "time"
        w.utcTime(epochNs: Int64(clamping: monotonicNs) &+ offset)
        return String(w.text.dropFirst().dropLast())
    }

    private func format(_ monotonicNs: UInt64, millis: Bool) -> String {
        let mono = Int64(clamping: monotonicNs)
        guard let offset = clock.realtimeOffsetNs else {
            let whole = String(mono / 1_000_000_000)
            guard millis else { return "boot+\(whole)s" }
            return "boot+\(whole).\(digits(mono % 1_000_000_000 / 1_000_000, 3))s"
        }
        let local = clock.localNs(utcNs: mono &+ offset)
        let day = floorDiv(local, Self.dayNs)
        let time = Self.timeOfDay(local - day * Self.dayNs, fraction: millis ? 3 : 0)
        return day == today ? time : Self.civilDate(day) + " " + time
    }

    /// "HH:MM:SS" of nanoseconds into a day, with `fraction` digits of the second (truncated).
    static func timeOfDay(_ ns: Int64, fraction: Int) -> String {
        let s = ns / 1_000_000_000
        var text = "\(digits(s / 3600, 2)):\(digits(s / 60 % 60, 2)):\(digits(s % 60, 2))"
        if fraction > 0 {
            var scale: Int64 = 1_000_000_000
            for _ in 0..<fraction { scale /= 10 }
            text += "." + digits(ns % 1_000_000_000 / scale, fraction)
        }
        return text
    }

    /// "YYYY-MM-DD" of days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's
    /// `civil_from_days`).
    static func civilDate(_ days: Int64) -> String {
        let (y, m, d) = civil(days)
        return "\(digits(y, 4))-\(digits(m, 2))-\(digits(d, 2))"
    }

    /// Days since 1970-01-01 and nanoseconds into that day, of nanoseconds since the epoch.
    static func daysAndRest(_ epochNs: Int64) -> (days: Int64, ns: Int64) {
        let day = floorDiv(epochNs, dayNs)
        return (day, epochNs - day * dayNs)
    }

    /// Year, month and day of days since 1970-01-01.
    static func civil(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d)
    }
}

/// `value` in decimal, zero-padded on the left to `width` digits (never cut).
private func digits(_ value: Int64, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// Division rounding towards negative infinity (times before 1970, zones west of UTC).
private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
