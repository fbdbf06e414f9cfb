import ArptopCore
import ArptopUI
import Glibc
import KernelProbes
import SystemPackage

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

/// A recording written by `--json` or `--record`, played back on its own clock
/// (`RecordingPlayer`). `>`/`<` change the speed, `.` jumps to the next snapshot, `[` and `]`
/// to the start and the end, a pause stops the clock.
final class ReplayCollector: Collector {
    private let player: RecordingPlayer
    private(set) var screenSource: ScreenSource
    private let label: String
    /// The names already handed to `newNamespaceRecords`.
    private var namesReported = NamespaceNames()

    init(path: String, loop: Bool = false, label: String? = nil) throws {
        self.label = label ?? "replay \(FilePath(path).lastComponent?.string ?? path)"
        let reader: RecordingReader
        let first: NumberedRecord?
        do {
            reader = try RecordingReader(path: path)
            first = try reader.next()
        } catch { throw Failure(error.description) }
        guard let first else { throw Failure("recording \(path) is empty") }
        guard case .attached(let attached) = first.record else {
            throw Failure("recording \(path) line \(first.line): the first record must be \"attached\" (was this written by arptop --json?)")
        }
        player = RecordingPlayer(path: path, reader: reader, loop: loop, endTime: Self.lastTimestamp(path))
        screenSource = ScreenSource(
            host: attached.host, kernelRelease: attached.kernel, probes: attached.probes, clock: attached.clock, label: self.label)
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

    var naming: any ReturnValueNaming { player.reader.naming }
    /// The names of the records read so far (the reader runs at most one record ahead).
    var namespaces: NamespaceNames { player.reader.namespaces }
    func newNamespaceRecords(now: UInt64) -> [NetnsRecord] {
        namesReported.root = namespaces.root
        return namesReported.learn(listing: namespaces.names.map { (name: $0.value, netns: $0.key) })
            .map { NetnsRecord(netns: $0.netns, name: $0.name) }
    }
    var pollFD: Int32? { nil }
    var statusLabel: String? { label + " " + player.status(now: monotonicNow()) }
    func elapsedSeconds(now: UInt64) -> Double { player.elapsedSeconds(now: monotonicNow()) }  // keys move the clock after `now`
    func drainEvents(now: UInt64, _ sink: (ProbeEvent) -> Void) throws {
        do { try player.play(now: now, sink) } catch { throw Failure(error.description) }
    }
    func aggregates(now: UInt64) throws -> AggregateSnapshot? { player.takeSnapshot() }
    func takeRestart() -> String? { player.takeRestart() }
    func setPaused(_ paused: Bool, now: UInt64) { player.setPaused(paused, now: now) }

    func handle(_ key: Key) -> Bool {
        let now = monotonicNow()
        switch key {
        case .character(">"): player.faster(now: now)
        case .character("<"): player.slower(now: now)
        case .character("."): player.step()
        case .character("]"): player.toEnd()
        case .character("["): player.restart()
        default: return false
        }
        return true
    }
}
