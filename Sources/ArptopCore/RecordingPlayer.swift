/// Plays a recording back on a `ReplayClock` (`arptop --replay`, `--demo`): events and
/// snapshots come out when the clock passes their time. `step` goes on to the next snapshot,
/// `toEnd` to the end, `restart` to the start; `loop` starts over at the end (the demo).
public final class RecordingPlayer {
    public let path: String
    public let loop: Bool
    /// The reader of the current pass (its names, its `attached` record).
    public private(set) var reader: RecordingReader
    public private(set) var clock = ReplayClock()
    /// The recording's last timestamp, when known: the position's total.
    public let endTime: UInt64?
    /// The whole recording was played (and it does not loop).
    public private(set) var isAtEnd = false
    /// The pass being played, from 1.
    public private(set) var loops = 1
    private var pending: Record?
    private var latest: AggregateSnapshot?
    private var delivered = true
    private var stepRequested = false
    private var toEndRequested = false
    private var restartNote: String?
    /// The newest timestamp delivered.
    private var lastTime: UInt64 = 0

    /// Plays `reader`, whose `attached` record was read; `open` makes the reader of a new pass.
    public init(path: String, reader: RecordingReader, loop: Bool, endTime: UInt64?) {
        self.path = path
        self.reader = reader
        self.loop = loop
        self.endTime = endTime
    }

    /// Hands every event whose time the clock passed at `now` to `sink`; keeps the latest
    /// snapshot so passed for `takeSnapshot`. Throws a malformed line.
    public func play(now: UInt64, _ sink: (ProbeEvent) -> Void) throws(RecordingError) {
        while true {
            if pending == nil {
                guard let next = try nextRecord(now: now) else { return }
                pending = next
            }
            guard let record = pending else { return }
            let time: UInt64?
            switch record {
            case .event(let e): time = e.event.timestampNs
            case .snapshot(let s): time = s.timeNs
            default: time = nil
            }
            if let time { clock.start(at: time, now: now) }
            if let time, let replayTime = clock.time(now: now), time > replayTime, !stepRequested, !toEndRequested { return }
            pending = nil
            if let time { lastTime = max(lastTime, time) }
            switch record {
            case .event(let e): sink(e.event)
            case .snapshot(let s):
                latest = s.aggregateSnapshot
                delivered = false
                if stepRequested {
                    stepRequested = false
                    clock.jump(to: s.timeNs, now: now)  // continue from here on the replay clock
                    return
                }
            default: break
            }
        }
    }

    private func nextRecord(now: UInt64) throws(RecordingError) -> Record? {
        if isAtEnd { return nil }
        if let r = try reader.next() { return r.record }
        if toEndRequested {
            toEndRequested = false
            clock.jump(to: lastTime, now: now)
        }
        if loop {
            loops += 1
            restart(note: "demo restarts (loop \(loops)): counts and log start over")
            return try reader.next()?.record
        }
        isAtEnd = true
        return nil
    }

    /// The latest snapshot played, once (nil when none arrived since the last call).
    public func takeSnapshot() -> AggregateSnapshot? {
        guard !delivered, let latest else { return nil }
        delivered = true
        return latest
    }

    /// Set when the recording started over (`restart`, a loop), with a note for the log;
    /// cleared by reading it.
    public func takeRestart() -> String? {
        defer { restartNote = nil }
        return restartNote
    }

    /// Plays on up to the next snapshot at once, then goes on from there.
    public func step() { stepRequested = true }

    /// Plays the rest at once.
    public func toEnd() { toEndRequested = true }

    /// Back to the first record: a new reader, the clock at the origin.
    public func restart(note: String = "replay restarted from the beginning") {
        if let r = try? RecordingReader(path: path) { reader = r; _ = try? reader.next() }  // the attached record
        clock.reset()
        lastTime = 0
        latest = nil
        delivered = true
        isAtEnd = false
        stepRequested = false
        toEndRequested = false
        pending = nil
        restartNote = note
    }

    public func setPaused(_ paused: Bool, now: UInt64) { clock.setPaused(paused, now: now) }
    public func faster(now: UInt64) { clock.faster(now: now) }
    public func slower(now: UInt64) { clock.slower(now: now) }

    /// Seconds from the recording's start to where the replay is at `now`.
    public func elapsedSeconds(now: UInt64) -> Double {
        clock.seconds(at: clock.position(now: now, delivered: lastTime, end: endTime, atEnd: isAtEnd))
    }

    /// `0:12 / 1:00 ×2 (end)`: where the replay is, of how long, at what speed.
    public func status(now: UInt64) -> String {
        var s = ""
        if let origin = clock.origin {
            s += ReplayClock.clockLabel(elapsedSeconds(now: now)) + " "
            if let endTime, endTime >= origin { s += "/ " + ReplayClock.clockLabel(clock.seconds(at: endTime)) + " " }
        }
        s += "\u{00D7}\(ReplayClock.speedLabel(clock.speed))"
        if isAtEnd { s += " (end)" }
        return s
    }
}
