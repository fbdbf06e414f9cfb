import Testing
@testable import ArptopCore

/// A file in memory that fills up after `capacity` bytes, as a full disk does (ENOSPC = 28).
final class FillingFile {
    var bytes: [UInt8] = []
    let capacity: Int
    init(capacity: Int) { self.capacity = capacity }
    func write(_ b: [UInt8]) -> (written: Int, error: Int32?) {
        let room = max(0, capacity - bytes.count)
        bytes += b.prefix(room)
        return b.count <= room ? (b.count, nil) : (room, 28)
    }
    func truncate(_ length: UInt64) { bytes = Array(bytes.prefix(Int(length))) }
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

@Suite("recording writer on a full disk")
struct LineWriterTests {
    static func lines(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test("a write cut by ENOSPC: the file ends at the last complete line, the failure is reported once, later lines are dropped")
    func fullDisk() {
        let file = FillingFile(capacity: 20)
        let w = LineWriter(write: file.write, truncate: file.truncate)
        #expect(w.write(Self.lines("{\"a\":1}\n{\"b\":2}\n")))  // 16 bytes
        #expect(w.takeFailureToReport() == nil)
        #expect(!w.write(Self.lines("{\"c\":3}\n{\"d\":4}\n")))  // only 4 bytes fit
        #expect(file.text == "{\"a\":1}\n{\"b\":2}\n", "half a line left in the file: \(file.text)")
        #expect(w.failure == 28)
        #expect(w.takeFailureToReport() == 28)
        #expect(w.takeFailureToReport() == nil, "reported twice")
        #expect(!w.write(Self.lines("{\"e\":5}\n")))
        #expect(file.text == "{\"a\":1}\n{\"b\":2}\n")
        #expect(w.droppedLines == 3)
        #expect(w.bytesWritten == 16)
    }

    @Test("a device that refuses every write (/dev/full): nothing written, nothing truncated, failure kept")
    func refusesAll() {
        var truncated = false
        let w = LineWriter(write: { _ in (0, 28) }, truncate: { _ in truncated = true })
        #expect(!w.write(Self.lines("x\n")))
        #expect(!truncated)
        #expect(w.failure == 28)
        w.reset()
        #expect(w.failure == nil)
    }
}
