/// The clock a recording is played back on (`arptop --replay`, `--demo`): records appear when
/// it passes their time.
///
/// Record time = `anchorRecord + (now - anchorWall) × speed`, frozen at `anchorRecord` while
/// paused; a speed change, a pause or a jump moves the anchors. The position shown is measured
/// from `origin`, the recording's first timestamp, which never moves: so it never goes
/// backwards on a speed change and never underflows. `now` is any monotonic nanosecond count
/// (the CLI passes CLOCK_MONOTONIC; tests pass what they like).
public struct ReplayClock: Sendable, Equatable {
    /// The slowest and fastest speeds (`<` halves, `>` doubles).
    public static let speeds: ClosedRange<Double> = (1.0 / 16)...64

    /// The recording's first timestamp; nil until `start`.
    public private(set) var origin: UInt64?
    public private(set) var speed: Double = 1
    public private(set) var isPaused = false
    private var anchorRecord: UInt64 = 0
    private var anchorWall: UInt64 = 0

    public init() {}

    /// The first timed record was read: the clock shows its time at `now`. Ignored once started.
    public mutating func start(at time: UInt64, now: UInt64) {
        guard origin == nil else { return }
        origin = time
        jump(to: time, now: now)
    }

    /// Back to not started (the recording starts over); speed and pause stay.
    public mutating func reset() { origin = nil }

    /// The recording's time at `now`; nil before `start`. A `now` before the last anchor (read
    /// earlier than a key moved it) is the anchor's time.
    public func time(now: UInt64) -> UInt64? {
        guard origin != nil else { return nil }
        if isPaused || now <= anchorWall { return anchorRecord }
        return anchorRecord &+ UInt64(Double(now - anchorWall) * speed)
    }

    /// Continue from the recording's `time` at `now` (a step to a snapshot, a jump to the end).
    public mutating func jump(to time: UInt64, now: UInt64) {
        anchorRecord = time
        anchorWall = now
    }

    /// Stops or restarts the clock at `now`.
    public mutating func setPaused(_ paused: Bool, now: UInt64) {
        guard paused != isPaused else { return }
        rebase(now: now)
        isPaused = paused
    }

    /// Twice as fast from `now`, up to ×64.
    public mutating func faster(now: UInt64) {
        rebase(now: now)
        speed = min(speed * 2, Self.speeds.upperBound)
    }

    /// Half as fast from `now`, down to ×1/16.
    public mutating func slower(now: UInt64) {
        rebase(now: now)
        speed = max(speed / 2, Self.speeds.lowerBound)
    }

    private mutating func rebase(now: UInt64) {
        if let t = time(now: now) { anchorRecord = t }
        anchorWall = now
    }

    /// Where the replay is: the clock, but never before what was `delivered` (the newest time
    /// handed out) nor past `end` (the recording's last time, when known); at the end, what was
    /// delivered. 0 before `start`.
    public func position(now: UInt64, delivered: UInt64, end: UInt64?, atEnd: Bool) -> UInt64 {
        guard let origin else { return 0 }
        if atEnd { return max(delivered, origin) }
        var t = max(time(now: now) ?? 0, delivered, origin)
        if let end { t = min(t, max(end, origin)) }
        return t
    }

    /// Seconds from the origin to `position` (0 before `start`).
    public func seconds(at position: UInt64) -> Double {
        guard let origin else { return 0 }
        return Double(position &- origin) / 1e9
    }

    /// `m:ss`, or `h:mm:ss` from an hour: a position in the header (`0:12 / 1:00`).
    public static func clockLabel(_ seconds: Double) -> String {
        let t = max(0, Int(seconds))
        let s = t % 60, m = (t / 60) % 60, h = t / 3600
        let ss = s < 10 ? "0\(s)" : "\(s)"
        if h > 0 { return "\(h):\(m < 10 ? "0\(m)" : "\(m)"):\(ss)" }
        return "\(m):\(ss)"
    }

    /// `4`, or `1/4` below ×1.
    public static func speedLabel(_ speed: Double) -> String {
        speed >= 1 ? String(Int(speed)) : "1/\(Int((1 / speed).rounded()))"
    }
}
