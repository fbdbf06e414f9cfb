import Testing
@testable import ArptopCore

@Suite("Recording player")
struct RecordingPlayerTests {
    static let s: UInt64 = 1_000_000_000

    static func event(at seconds: UInt64) -> String {
        var e = SampleEvents.route
        e.timestampNs = seconds * s
        return EventRecord(event: e, naming: TestNaming()).jsonLine
    }

    static func snapshotLine(at seconds: Double) -> String {
        SnapshotRecord(snapshot: snapshot(at: seconds, RecordTests.counts), naming: TestNaming()).jsonLine
    }

    /// Events at 10, 11 and 14 s, snapshots at 12 and 15 s (recording time).
    static let text = [RecordingReaderTests.attached, event(at: 10), event(at: 11), snapshotLine(at: 12), event(at: 14), snapshotLine(at: 15)]
        .joined(separator: "\n") + "\n"

    func player(_ file: RecordingReaderTests.TempFile, loop: Bool = false) throws -> RecordingPlayer {
        let reader = try RecordingReader(path: file.path)
        _ = try reader.next()  // attached
        return RecordingPlayer(path: file.path, reader: reader, loop: loop, endTime: 15 * Self.s)
    }

    func play(_ p: RecordingPlayer, now: UInt64) throws -> [UInt64] {
        var times: [UInt64] = []
        try p.play(now: now) { times.append($0.timestampNs / Self.s) }
        return times
    }

    @Test("records come out as the clock passes their time; a snapshot once")
    func followsTheClock() throws {
        let file = try RecordingReaderTests.TempFile(Self.text)
        let p = try player(file)
        #expect(try play(p, now: 100 * Self.s) == [10], "the first record starts the clock")
        #expect(p.takeSnapshot() == nil)
        #expect(try play(p, now: 101 * Self.s) == [11])
        #expect(try play(p, now: 102 * Self.s) == [])
        #expect(p.takeSnapshot()?.monotonicNs == 12 * Self.s)
        #expect(p.takeSnapshot() == nil)
        #expect(p.elapsedSeconds(now: 102 * Self.s) == 2)
        #expect(p.status(now: 102 * Self.s) == "0:02 / 0:05 \u{00D7}1")
        #expect(try play(p, now: 110 * Self.s) == [14])
        #expect(p.isAtEnd)
        #expect(p.status(now: 200 * Self.s) == "0:05 / 0:05 \u{00D7}1 (end)")
    }

    @Test("step plays up to the next snapshot and goes on from there; toEnd plays the rest")
    func stepAndEnd() throws {
        let file = try RecordingReaderTests.TempFile(Self.text)
        let p = try player(file)
        _ = try play(p, now: 100 * Self.s)
        p.step()
        #expect(try play(p, now: 100 * Self.s) == [11])
        #expect(p.takeSnapshot()?.monotonicNs == 12 * Self.s)
        #expect(p.clock.time(now: 101 * Self.s) == 13 * Self.s, "the clock continues from the snapshot")
        p.toEnd()
        #expect(try play(p, now: 101 * Self.s) == [14])
        #expect(p.isAtEnd && p.takeSnapshot()?.monotonicNs == 15 * Self.s)
    }

    @Test("a looping recording starts over with a note; restart goes back to the start")
    func loopAndRestart() throws {
        let file = try RecordingReaderTests.TempFile(Self.text)
        let p = try player(file, loop: true)
        #expect(try play(p, now: 100 * Self.s) == [10])
        p.toEnd()
        #expect(try play(p, now: 100 * Self.s) == [11, 14, 10], "the end, then the start of the second pass")
        #expect(p.takeRestart() == "demo restarts (loop 2): counts and log start over")
        #expect(p.takeRestart() == nil)
        #expect(!p.isAtEnd)
        p.restart()
        #expect(p.takeRestart() == "replay restarted from the beginning")
        #expect(try play(p, now: 500 * Self.s) == [10])
        #expect(p.elapsedSeconds(now: 500 * Self.s) == 0)
    }

    @Test("a malformed line is thrown with its line number")
    func malformedLine() throws {
        let file = try RecordingReaderTests.TempFile(RecordingReaderTests.attached + "\n" + Self.event(at: 10) + "\n{\"type\":\n")
        let p = try player(file)
        #expect(throws: RecordingError.self) { try self.play(p, now: 100 * Self.s) }
    }
}
