import ArptopCore
import ArptopUI
import Foundation
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

/// The kernel: an attached `KernelRun`.
final class LiveCollector: Collector {
    let kernel: KernelRun
    let screenSource: ScreenSource
    let start = monotonicNow()

    init(kernel: KernelRun) {
        self.kernel = kernel
        screenSource = ScreenSource(
            host: KernelInfo.hostname(), kernelRelease: KernelInfo.release(), probes: kernel.probes, clock: .local())
    }

    private var session: ProbeSession { kernel.session }
    private var watcher: NamespaceWatcher { kernel.namespaces }

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

/// A recording written by `--json` or `--record`, played back on its own clock (`ReplayClock`):
/// events and snapshots appear when the replay clock passes their time. `>`/`<` change
/// the speed, `.` jumps to the next snapshot, `[` and `]` to the start and the end, a pause
/// stops the clock, and `loop` starts over at the end (demo).
final class ReplayCollector: Collector {
    private let path: String
    private let loop: Bool
    private var reader: RecordingReader
    private var pending: Record?
    private var clock = ReplayClock()
    /// The last timestamp of the recording, read from its tail at open (nil: unknown).
    private let endTime: UInt64?
    private var latest: AggregateSnapshot?
    private var delivered = true
    private var atEnd = false
    private var stepRequested = false
    private var toEndRequested = false
    private var restartNote: String?
    private var loops = 1
    private(set) var screenSource: ScreenSource
    private let label: String
    /// The newest timestamp delivered.
    private var lastTime: UInt64 = 0
    /// The names already handed to `newNamespaceRecords`.
    private var namesReported = NamespaceNames()

    init(path: String, loop: Bool = false, label: String? = nil) throws {
        self.path = path
        self.loop = loop
        self.label = label ?? "replay \((path as NSString).lastPathComponent)"
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
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        let start = size > 1 << 20 ? size - (1 << 20) : 0
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let r = text.range(of: "\"time_ns\":", options: .backwards) else { return nil }
        return UInt64(text[r.upperBound...].prefix { $0.isNumber })
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
        if let origin = clock.origin {
            s += " " + ReplayClock.clockLabel(elapsedSeconds(now: monotonicNow()))
            if let endTime, endTime >= origin { s += " / " + ReplayClock.clockLabel(clock.seconds(at: endTime)) }
        }
        s += " \u{00D7}\(ReplayClock.speedLabel(clock.speed))"
        if atEnd { s += " (end)" }
        return s
    }

    func elapsedSeconds(now: UInt64) -> Double {
        clock.seconds(at: clock.position(now: now, delivered: lastTime, end: endTime, atEnd: atEnd))
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

    private func nextRecord() throws -> Record? {
        if atEnd { return nil }
        if let r = try Self.read(reader) { return r.record }
        if toEndRequested {
            toEndRequested = false
            clock.jump(to: lastTime, now: monotonicNow())
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
        clock.reset()
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

    func setPaused(_ paused: Bool, now: UInt64) { clock.setPaused(paused, now: now) }

    func handle(_ key: Key) -> Bool {
        let now = monotonicNow()
        switch key {
        case .character(">"): clock.faster(now: now); return true
        case .character("<"): clock.slower(now: now); return true
        case .character("."): stepRequested = true; return true
        case .character("]"): toEndRequested = true; return true
        case .character("["): restart(note: "replay restarted from the beginning"); return true
        default: return false
        }
    }
}
