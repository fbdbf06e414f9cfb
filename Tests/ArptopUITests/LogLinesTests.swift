import Testing
@testable import ArptopUI
import ArptopCore

@Suite("Log lines in chunks")
struct LogLinesTests {
    static func line(_ n: Int) -> LogLine {
        LogLine(sequence: UInt64(n), time: "t\(n)", cpu: 0, interface: "va", function: .arpProcess, details: "d\(n)",
                returnName: "0", isError: false)
    }

    /// The lines numbered `range`, as an Array: what LogLines must behave like.
    static func lines(_ range: Range<Int>) -> [LogLine] { range.map(line) }

    @Test("append, drop from the front and replace across chunk boundaries behave as an Array does")
    func behavesAsAnArray() {
        var chunked = LogLines()
        var array: [LogLine] = []
        var n = 0
        for (add, drop) in [(10, 0), (300, 5), (0, 251), (600, 1), (1, 399), (256, 256), (0, 0), (700, 1_000)] {
            for _ in 0..<add { chunked.append(Self.line(n)); array.append(Self.line(n)); n += 1 }
            chunked.removeFirst(min(drop, array.count))
            array.removeFirst(min(drop, array.count))
            #expect(Array(chunked) == array, "after +\(add) -\(drop)")
            #expect(chunked.count == array.count)
            #expect(chunked.first == array.first && chunked.last == array.last)
            if !array.isEmpty {
                let i = array.count / 2
                chunked[i].details = "replaced"
                array[i].details = "replaced"
                #expect(chunked[i] == array[i])
                #expect(Array(chunked) == array)
            }
        }
        #expect(chunked.isEmpty)
    }

    @Test("a copy is not changed by what is done to the original (the model on screen keeps its lines)")
    func copiesAreIndependent() {
        var original = LogLines(Self.lines(0..<600))
        let copy = original
        original.append(Self.line(600))
        original.removeFirst(300)
        original[0].details = "changed"
        #expect(Array(copy) == Self.lines(0..<600))
        #expect(original.count == 301 && original[0].sequence == 300 && original[0].details == "changed")
    }

    @Test("equal when the lines are, however they are stored")
    func equalityIsByLines() {
        var dropped = LogLines(Self.lines(0..<300))
        dropped.removeFirst(100)
        #expect(dropped == LogLines(Self.lines(100..<300)))
        #expect(dropped != LogLines(Self.lines(101..<300)))
        #expect(LogLines() == [])
    }
}
