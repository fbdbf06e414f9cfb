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
}

/// The kernel: a loaded and attached `ProbeSession`.
final class LiveCollector: Collector {
    let session: ProbeSession
    let screenSource: ScreenSource
    let start = monotonicNow()

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
}

/// A recording written by `--json` or `--record`, played back on its own clock:
/// events and snapshots appear when the replay clock passes their time. `>`/`<` change
/// the speed, `.` jumps to the next snapshot, and `loop` starts over at the end (demo).
final class ReplayCollector: Collector {
    private let path: String
    private let loop: Bool
    private var reader: RecordingReader
    private var pending: Record?
    private var recordStart: UInt64?
    private var wallStart = monotonicNow()
    private var latest: AggregateSnapshot?
    private var delivered = true
    private var atEnd = false
    private var stepRequested = false
    private(set) var speed: Double = 1
    private(set) var screenSource: ScreenSource
    private let label: String
    /// Ring-buffer records the replayed kernel reported; kept to show loss honestly.
    private var lastTime: UInt64 = 0

    init(path: String, loop: Bool = false, label: String? = nil) throws {
        self.path = path
        self.loop = loop
        self.label = label ?? "replay \((path as NSString).lastPathComponent)"
        reader = try Self.open(path)
        guard let first = try reader.next() else { throw Failure("recording \(path) is empty") }
        guard case .attached(let attached) = first.record else {
            throw Failure("recording \(path) line \(first.line): the first record must be \"attached\" (was this written by arptop --json?)")
        }
        screenSource = ScreenSource(
            host: attached.host, kernelRelease: attached.kernel, probes: attached.probes, clock: .sinceBoot, label: self.label)
    }

    private static func open(_ path: String) throws -> RecordingReader {
        do { return try RecordingReader(path: path) } catch { throw Failure(error.description) }
    }

    var naming: any ReturnValueNaming { reader.naming }
    var pollFD: Int32? { nil }
    var statusLabel: String? {
        var s = "\(label) ×\(Self.format(speed))"
        if atEnd { s += " (end)" }
        return s
    }

    func elapsedSeconds(now: UInt64) -> Double {
        guard let recordStart else { return 0 }
        return Double(lastTime &- recordStart) / 1e9
    }

    private func replayClock(now: UInt64) -> UInt64? {
        guard let recordStart else { return nil }
        return recordStart &+ UInt64(Double(now &- wallStart) * speed)
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
            if let time, recordStart == nil {
                recordStart = time
                wallStart = now
            }
            if let time, let clock = replayClock(now: now), time > clock, !stepRequested { return }
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
                    recordStart = s.timeNs
                    wallStart = now
                    return
                }
            default: break
            }
        }
    }

    private func nextRecord() throws -> Record? {
        do {
            if let r = try reader.next() { return r.record }
        } catch {
            throw Failure(error.description)
        }
        if loop {
            reader = try Self.open(path)
            _ = try? reader.next()  // the attached record
            recordStart = nil
            lastTime = 0
            latest = nil
            return try reader.next()?.record
        }
        atEnd = true
        return nil
    }

    func aggregates(now: UInt64) throws -> AggregateSnapshot? {
        guard !delivered, let latest else { return nil }
        delivered = true
        return latest
    }

    func handle(_ key: Key) -> Bool {
        let now = monotonicNow()
        func rebase() {
            if let clock = replayClock(now: now) { recordStart = clock; wallStart = now }
        }
        switch key {
        case .character(">"): rebase(); speed = min(speed * 2, 64); return true
        case .character("<"): rebase(); speed = max(speed / 2, 1.0 / 16); return true
        case .character("."): stepRequested = true; return true
        default: return false
        }
    }

    static func format(_ speed: Double) -> String {
        speed >= 1 ? String(Int(speed)) : "1/\(Int((1 / speed).rounded()))"
    }
}
