import ArptopCore
import ArptopUI
import Glibc
import KernelProbes

/// Where the live screen's data comes from: the kernel (a `ProbeSession`) or a recording.
protocol Collector: AnyObject {
    /// Host, kernel, probe results and a label for the header.
    var screenSource: ScreenSource { get }
    var naming: any ReturnValueNaming { get }
    /// A descriptor to poll for new data, if the source has one.
    var pollFD: Int32? { get }
    /// Seconds of collection shown in the header.
    func elapsedSeconds(now: UInt64) -> Double
    /// Hands every event that arrived since the last call to `sink`.
    func drainEvents(now: UInt64, _ sink: (ProbeEvent) -> Void) throws
    /// The kernel's exact counts now (nil when nothing new is available).
    func aggregates(now: UInt64) throws -> AggregateSnapshot?
    /// Keys the collector handles itself (replay speed); returns true when consumed.
    func handle(_ key: Key) -> Bool
    /// Where a status line for the header comes from (replay position), if any.
    var statusLabel: String? { get }
    /// The screen is paused (space): a replay pauses its playback too.
    func setPaused(_ paused: Bool, now: UInt64)
    /// Set when the source started over (replay `[`, the demo looping): the app resets its
    /// counts and log, and shows this note above the log. Cleared by reading it.
    func takeRestart() -> String?
    /// The network namespaces' names as known now.
    var namespaces: NamespaceNames { get }
    /// Names new or changed since the last call, for a recording (the kernel's are read from
    /// /run/netns now and then; a replay's come from its own records).
    func newNamespaceRecords(now: UInt64) -> [NetnsRecord]
}

extension Collector {
    func setPaused(_ paused: Bool, now: UInt64) {}
    func takeRestart() -> String? { nil }
}

/// The kernel: a loaded and attached `ProbeSession`.
final class LiveCollector: Collector {
    let session: ProbeSession
    let screenSource: ScreenSource
    let start = monotonicNow()
    /// Made before privileges are dropped: /proc/1/ns/net is read once, here.
    private let watcher = NamespaceWatcher()

    init(session: ProbeSession) {
        self.session = session
        screenSource = ScreenSource(
            host: KernelInfo.hostname(), kernelRelease: KernelInfo.release(), probes: session.statuses, clock: .local())
    }

    var naming: any ReturnValueNaming { session.naming }
    var pollFD: Int32? { session.eventsFD }
    var statusLabel: String? { nil }
    func elapsedSeconds(now: UInt64) -> Double { Double(now &- start) / 1e9 }
    func drainEvents(now: UInt64, _ sink: (ProbeEvent) -> Void) throws { _ = try session.drainEvents(sink) }
    func aggregates(now: UInt64) throws -> AggregateSnapshot? { try session.readAggregates() }
    func handle(_ key: Key) -> Bool { false }
    var namespaces: NamespaceNames { watcher.names }
    func newNamespaceRecords(now: UInt64) -> [NetnsRecord] { watcher.refresh(now: now) }
}

/// A recording written by `--json` or `--record`, played back on its own clock:
/// events and snapshots appear when the replay clock passes their time. `>`/`<` change
/// the speed, `.` jumps to the next snapshot, `[` and `]` to the start and the end, a pause
/// stops the clock, and `loop` starts over at the end (demo).
///
/// The clock: `anchorRecord + (now - anchorWall) × speed` (frozen at `anchorRecord` while
/// paused); a speed change or a jump moves the anchors. The position shown is measured from
/// `origin`, the recording's first timestamp, which never moves: so it never goes backwards
/// on a speed change and never underflows.
final class ReplayCollector: Collector {
    private let path: String
    private let loop: Bool
    private var reader: RecordingReader
    private var pending: Record?
    /// The first timestamp of the recording (nil until read).
    private var origin: UInt64?
    /// The last timestamp of the recording, read from its tail at open (nil: unknown).
    private let endTime: UInt64?
    private var anchorRecord: UInt64 = 0
    private var anchorWall: UInt64 = 0
    private var paused = false
    private var latest: AggregateSnapshot?
    private var delivered = true
    private var atEnd = false
    private var stepRequested = false
    private var toEndRequested = false
    private var restartNote: String?
    private var loops = 1
    private(set) var speed: Double = 1
    private(set) var screenSource: ScreenSource
    private let label: String
    /// The newest timestamp delivered.
    private var lastTime: UInt64 = 0
    /// The names already handed to `newNamespaceRecords`.
    private var namesReported = NamespaceNames()

    init(path: String, loop: Bool = false, label: String? = nil) throws {
        self.path = path
        self.loop = loop
        self.label = label ?? "replay \(PathName.lastComponent(path))"
        reader = try Self.open(path)
        guard let first = try Self.read(reader) else { throw Failure("recording \(path) is empty") }
        guard case .attached(let attached) = first.record else {
            throw Failure("recording \(path) line \(first.line): the first record must be \"attached\" (was this written by arptop --json?)")
        }
        endTime = Self.lastTimestamp(path)
        screenSource = ScreenSource(
            host: attached.host, kernelRelease: attached.kernel, probes: attached.probes, clock: attached.clock, label: self.label)
    }

    private static func open(_ path: String) throws -> RecordingReader {
        do { return try RecordingReader(path: path) } catch { throw Failure(error.description) }
    }

    private static func read(_ reader: RecordingReader) throws -> NumberedRecord? {
        do { return try reader.next() } catch { throw Failure(error.description) }
    }

    /// The last `"time_ns":N` in the file's final 1 MiB: the end of the recording, for the
    /// position's total. Nil when there is none (the total is then not shown).
    static func lastTimestamp(_ path: String) -> UInt64? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size >= 0 else { return nil }
        let start = size > 1 << 20 ? size - (1 << 20) : 0
        var tail = [UInt8](repeating: 0, count: Int(size - start))
        var filled = 0
        while filled < tail.count {
            let n = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, $0.count - filled, start + off_t(filled)) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }  // cut shorter meanwhile
            filled += n
        }
        tail.removeSubrange(filled...)
        let key = Array("\"time_ns\":".utf8)
        guard tail.count >= key.count,
              let at = stride(from: tail.count - key.count, through: 0, by: -1).first(where: { tail[$0..<$0 + key.count].elementsEqual(key) })
        else { return nil }
        return UInt64(String(decoding: tail[(at + key.count)...].prefix { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
    }

    var naming: any ReturnValueNaming { reader.naming }
    /// The names of the records read so far (the reader runs at most one record ahead).
    var namespaces: NamespaceNames { reader.namespaces }
    func newNamespaceRecords(now: UInt64) -> [NetnsRecord] {
        namesReported.root = reader.namespaces.root
        return namesReported.learn(listing: reader.namespaces.names.map { (name: $0.value, netns: $0.key) })
            .map { NetnsRecord(netns: $0.netns, name: $0.name) }
    }
    var pollFD: Int32? { nil }
    var statusLabel: String? {
        var s = label
        if let origin {
            let position = Double(lastShown &- origin) / 1e9
            s += " " + Self.clock(position)
            if let endTime, endTime >= origin { s += " / " + Self.clock(Double(endTime - origin) / 1e9) }
        }
        s += " \u{00D7}\(Self.format(speed))"
        if atEnd { s += " (end)" }
        return s
    }

    /// Where the replay is: the clock, but never before what was delivered nor past the end.
    private var lastShown: UInt64 {
        guard let origin else { return 0 }
        if atEnd { return max(lastTime, origin) }
        var t = max(currentClock, lastTime, origin)
        if let endTime { t = min(t, max(endTime, origin)) }
        return t
    }
    private var currentClock: UInt64 { replayClock(now: monotonicNow()) ?? 0 }

    static func clock(_ seconds: Double) -> String {
        let t = max(0, Int(seconds))
        let s = t % 60, m = (t / 60) % 60, h = t / 3600
        let ss = s < 10 ? "0\(s)" : "\(s)"
        if h > 0 { return "\(h):\(m < 10 ? "0\(m)" : "\(m)"):\(ss)" }
        return "\(m):\(ss)"
    }

    func elapsedSeconds(now: UInt64) -> Double {
        guard let origin else { return 0 }
        return Double(lastShown &- origin) / 1e9
    }

    private func replayClock(now: UInt64) -> UInt64? {
        guard origin != nil else { return nil }
        if paused { return anchorRecord }
        return anchorRecord &+ UInt64(Double(now &- anchorWall) * speed)
    }

    private func rebase(now: UInt64) {
        if let clock = replayClock(now: now) { anchorRecord = clock }
        anchorWall = now
    }

    func drainEvents(now: UInt64, _ sink: (ProbeEvent) -> Void) throws {
        while true {
            if pending == nil {
                guard let next = try nextRecord() else { return }
                pending = next
            }
            guard let record = pending else { return }
            let time: UInt64?
            switch record {
            case .event(let e): time = e.event.timestampNs
            case .snapshot(let s): time = s.timeNs
            default: time = nil
            }
            if let time, origin == nil {
                origin = time
                anchorRecord = time
                anchorWall = now
            }
            if let time, let clock = replayClock(now: now), time > clock, !stepRequested, !toEndRequested { return }
            pending = nil
            if let time { lastTime = max(lastTime, time) }
            switch record {
            case .event(let e): sink(e.event)
            case .snapshot(let s):
                latest = s.aggregateSnapshot
                delivered = false
                if stepRequested {
                    stepRequested = false
                    // Continue from here on the replay clock.
                    anchorRecord = s.timeNs
                    anchorWall = now
                    return
                }
            default: break
            }
        }
    }

    private func nextRecord() throws -> Record? {
        if atEnd { return nil }
        if let r = try Self.read(reader) { return r.record }
        if toEndRequested {
            toEndRequested = false
            anchorRecord = lastTime
            anchorWall = monotonicNow()
        }
        if loop {
            loops += 1
            restart(note: "demo restarts (loop \(loops)): counts and log start over")
            return try Self.read(reader)?.record
        }
        atEnd = true
        return nil
    }

    /// Back to the first record: a new reader, the clock at the origin.
    private func restart(note: String) {
        if let r = try? Self.open(path) { reader = r; _ = try? reader.next() }  // the attached record
        origin = nil
        lastTime = 0
        latest = nil
        delivered = true
        atEnd = false
        stepRequested = false
        toEndRequested = false
        pending = nil
        restartNote = note
    }

    func takeRestart() -> String? {
        defer { restartNote = nil }
        return restartNote
    }

    func aggregates(now: UInt64) throws -> AggregateSnapshot? {
        guard !delivered, let latest else { return nil }
        delivered = true
        return latest
    }

    func setPaused(_ paused: Bool, now: UInt64) {
        guard paused != self.paused else { return }
        rebase(now: now)
        self.paused = paused
    }

    func handle(_ key: Key) -> Bool {
        let now = monotonicNow()
        switch key {
        case .character(">"): rebase(now: now); speed = min(speed * 2, 64); return true
        case .character("<"): rebase(now: now); speed = max(speed / 2, 1.0 / 16); return true
        case .character("."): stepRequested = true; return true
        case .character("]"): toEndRequested = true; return true
        case .character("["): restart(note: "replay restarted from the beginning"); return true
        default: return false
        }
    }

    static func format(_ speed: Double) -> String {
        speed >= 1 ? String(Int(speed)) : "1/\(Int((1 / speed).rounded()))"
    }
}
