import Foundation
import Testing

@testable import ArptopCore

/// Seeded mutation fuzzing with a fixed budget: the recording parser (`RecordingReader`,
/// `Record(jsonLine:)`, the JSON parser) and what the ring-buffer decoder hands on (every
/// `ProbeEvent` the kernel side can produce, written and read back). Nothing may crash; every
/// failure is a `RecordingError`/`RecordFormatError` whose message is one line. A failing
/// case prints its seed and iteration: `ARPTOP_FUZZ_SEED=<seed>` replays it.
/// `ARPTOP_FUZZ_ITERATIONS` scales the budget (CI uses the default).
@Suite("fuzzing: recordings and events")
struct FuzzTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["ARPTOP_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x6172_7074_6f70
    static let budget: Int = ProcessInfo.processInfo.environment["ARPTOP_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 800

    /// The corpus: the first lines of the embedded demo recording (made on Debian 6.1: every
    /// record type, real names and numbers), plus the sample events written as records.
    static let corpus: [String] = {
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "Sources/arptop/demo/demo.ndjson")
        var lines: [String] = []
        if let text = try? String(contentsOf: demo, encoding: .utf8) {
            lines = text.split(separator: "\n").prefix(120).map(String.init)
        }
        lines += SampleEvents.all.map { EventRecord(event: $0, naming: TestNaming()).jsonLine }
        return lines
    }()

    @Test("the corpus is real: the demo recording's lines parse")
    func corpusParses() throws {
        #expect(Self.corpus.count > 100, "Sources/arptop/demo/demo.ndjson missing?")
        for line in Self.corpus { _ = try Record(jsonLine: line) }
    }

    @Test("mutated lines: Record(jsonLine:) parses or throws one line; what parses re-serializes to a fixed point")
    func mutatedLines() throws {
        var rng = SplitMix64(seed: Self.seed)
        var parsed = 0, refused = 0
        for i in 0..<(Self.budget * 10) {
            let original = Array(Self.corpus[Int.random(in: 0..<Self.corpus.count, using: &rng)].utf8)
            let mutated = Mutator.mutate(original, corpus: Self.corpus, using: &rng)
            let text = String(decoding: mutated, as: UTF8.self)
            do {
                let record = try Record(jsonLine: text)
                parsed += 1
                let again = try Record(jsonLine: record.jsonLine)
                #expect(again.jsonLine == record.jsonLine, "seed \(Self.seed) iteration \(i): not a fixed point: \(text.prefix(300))")
            } catch {
                refused += 1
                #expect(!error.description.contains("\n"), "seed \(Self.seed) iteration \(i): \(error)")
            }
        }
        #expect(parsed > 0 && refused > 0, "the mutator should produce both: parsed \(parsed), refused \(refused)")
    }

    @Test("random bytes and pathological JSON: the JSON parser throws, never crashes")
    func hostileJSON() throws {
        var rng = SplitMix64(seed: Self.seed ^ 0x5eed)
        for _ in 0..<(Self.budget * 5) {
            let n = Int.random(in: 0..<200, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? Record(jsonLine: String(decoding: bytes, as: UTF8.self))
        }
        let deep = 200_000
        let cases = [
            String(repeating: "[", count: deep), String(repeating: "{\"a\":", count: deep),
            String(repeating: "[", count: deep) + String(repeating: "]", count: deep),
            "{\"type\":\"event\",\"time_ns\":" + String(repeating: "9", count: 100_000) + "}",
            "{\"type\":\"snapshot\",\"time_ns\":1e999999999}", "{\"type\":\"event\",\"time_ns\":-0}",
            "\"\\ud800\"", "{\"type\":\"\\u0000\"}", "{\"type\":\"attached\",\"version\":99999999999999999999}",
            String(repeating: " ", count: 1 << 20), "\u{feff}{}",
        ]
        for text in cases {
            #expect(throws: RecordFormatError.self) { try Record(jsonLine: text) }
        }
    }

    @Test("mutated recordings: RecordingReader streams them in random chunk sizes and stops at a named line, or reads them whole")
    func mutatedRecordings() throws {
        var rng = SplitMix64(seed: Self.seed ^ 0xf11e)
        let dir = FileManager.default.temporaryDirectory.appending(path: "arptop-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appending(path: "r.ndjson").path
        let base = Self.corpus.prefix(40)
        for i in 0..<(Self.budget / 2) {
            var lines = base.map { Array($0.utf8) }
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: let k = Int.random(in: 0..<lines.count, using: &rng); lines[k] = Mutator.mutate(lines[k], corpus: Self.corpus, using: &rng)
                case 1: lines.remove(at: Int.random(in: 0..<lines.count, using: &rng)); if lines.isEmpty { lines = [[]] }
                case 2: lines.insert(lines.randomElement(using: &rng)!, at: Int.random(in: 0...lines.count, using: &rng))
                case 3: lines.insert(Array(repeating: UInt8(ascii: "\r"), count: Int.random(in: 0...3, using: &rng)), at: Int.random(in: 0...lines.count, using: &rng))
                case 4: lines.shuffle(using: &rng)
                default: lines.insert((0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: Int.random(in: 0...lines.count, using: &rng))
                }
            }
            var bytes = lines.joined(separator: [0x0A]).map { $0 }
            if Bool.random(using: &rng) { bytes.append(0x0A) }
            if Int.random(in: 0..<4, using: &rng) == 0 { bytes.removeLast(Int.random(in: 0...min(bytes.count, 200), using: &rng)) }  // truncated
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let lineCount = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).count
            let reader = try RecordingReader(path: file, chunkSize: [1, 7, 64, 4096, 1 << 16].randomElement(using: &rng)!)
            var last = 0
            do {
                while let r = try reader.next() {
                    #expect(r.line > last, "seed \(Self.seed) iteration \(i): line numbers go forward")
                    last = r.line
                }
            } catch {
                #expect(error.line >= 1 && error.line <= lineCount, "seed \(Self.seed) iteration \(i): line \(error.line) of \(lineCount)")
                #expect(error.file == file)
                #expect(!error.description.contains("\n"), "seed \(Self.seed) iteration \(i): \(error)")
            }
        }
    }

    @Test("a huge recording is streamed: a 2 MB file of lines reads in bounded memory, a 65 MB line is refused by number")
    func hugeRecording() throws {
        let dir = FileManager.default.temporaryDirectory.appending(path: "arptop-fuzz-huge-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Many lines: memory stays near one chunk however big the file.
        let many = dir.appending(path: "many.ndjson").path
        let block = Array((Self.corpus.prefix(60).joined(separator: "\n") + "\n").utf8)
        FileManager.default.createFile(atPath: many, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: many))
        var size = 0
        while size < 2 << 20 { handle.write(Data(block)); size += block.count }
        try handle.close()
        let reader = try RecordingReader(path: many)
        var n = 0
        // The corpus mixes recordings (a second attached record, counters going back): the
        // reader only parses; it must get through all of it.
        while try reader.next() != nil { n += 1 }
        #expect(n == size / block.count * 60)
        #expect(reader.peakBufferBytes < 1 << 20, "peak buffer \(reader.peakBufferBytes) bytes: not streamed")

        // One endless line: refused with its line number, never buffered past the bound.
        let long = dir.appending(path: "long.ndjson").path
        FileManager.default.createFile(atPath: long, contents: Data((Self.corpus[0] + "\n").utf8))
        let h2 = try FileHandle(forWritingTo: URL(fileURLWithPath: long))
        h2.seekToEndOfFile()
        let chunk = Data(repeating: UInt8(ascii: "9"), count: 1 << 20)
        for _ in 0..<(RecordingReader.maxLineBytes / (1 << 20) + 2) { h2.write(chunk) }
        try h2.close()
        let r2 = try RecordingReader(path: long)
        _ = try r2.next()
        do {
            _ = try r2.next()
            Issue.record("a line longer than \(RecordingReader.maxLineBytes) bytes was accepted")
        } catch {
            #expect(error.line == 2 && error.message.contains("longer than"), "\(error)")
        }
        #expect(r2.peakBufferBytes <= RecordingReader.maxLineBytes + 2 * (1 << 16))
    }

    @Test("every event the ring-buffer decoder can hand on is written as a record and read back to a fixed point")
    func randomEventsRoundTrip() throws {
        var rng = SplitMix64(seed: Self.seed ^ 0xe7e7)
        let namings: [any ReturnValueNaming] = [TestNaming(), RecordedNaming()]
        for i in 0..<(Self.budget * 5) {
            let e = Self.randomEvent(using: &rng)
            let naming = namings[i % namings.count]
            let line = EventRecord(event: e, naming: naming).jsonLine
            #expect(!line.contains("\n"), "iteration \(i): an event line contains a newline: \(line)")
            do {
                let record = try Record(jsonLine: line)
                guard case .event(let back) = record else {
                    Issue.record("iteration \(i): not read back as an event: \(line)")
                    continue
                }
                #expect(back.event.function == e.function && back.event.ret == e.ret && back.event.ifname == e.ifname
                        && back.event.interface == e.interface && back.event.timestampNs == e.timestampNs,
                        "seed \(Self.seed) iteration \(i): \(line)")
                #expect(try Record(jsonLine: record.jsonLine).jsonLine == record.jsonLine, "seed \(Self.seed) iteration \(i): \(line)")
            } catch {
                Issue.record("seed \(Self.seed) iteration \(i): arptop cannot read its own event line: \(error)\n\(line)")
            }
        }
    }

    /// What `ProbeEvent(arptop_event)` can produce from any bytes the kernel writes: every field
    /// any value, and the interface name any bytes up to 15, decoded as UTF-8 (with repairs).
    static func randomEvent(using rng: inout SplitMix64) -> ProbeEvent {
        func r<T: FixedWidthInteger>(_: T.Type) -> T {
            // Edges more often than uniform values would give them.
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: return [T.min, T.max, 0, 1, T(truncatingIfNeeded: -1)].randomElement(using: &rng)!
            default: return T.random(in: T.min...T.max, using: &rng)
            }
        }
        let nameBytes = (0..<Int.random(in: 0...15, using: &rng)).map { _ in UInt8.random(in: 1...255, using: &rng) }
        return ProbeEvent(
            timestampNs: r(UInt64.self), durationNs: r(UInt64.self), function: KernelFunction.allCases.randomElement(using: &rng)!,
            cpu: r(UInt32.self), interface: InterfaceID(netns: r(UInt32.self), ifindex: r(Int32.self)),
            ifname: String(decoding: nameBytes, as: UTF8.self), ret: r(Int32.self), routeType: r(UInt32.self),
            hasRouteType: Bool.random(using: &rng), missingEntry: Bool.random(using: &rng), tableID: r(UInt32.self),
            arpOp: r(UInt16.self), senderMAC: (0..<6).map { _ in UInt8.random(in: 0...255, using: &rng) },
            senderIP: IPv4(raw: r(UInt32.self)), targetIP: IPv4(raw: r(UInt32.self)), noAddr: Bool.random(using: &rng),
            noInDevice: Bool.random(using: &rng), rpFilter: r(UInt8.self), daddr: IPv4(raw: r(UInt32.self)),
            saddr: IPv4(raw: r(UInt32.self)), iif: r(Int32.self), oif: r(Int32.self))
    }
}

/// Byte-level mutations that keep much of the JSON structure (so parsing gets deep).
enum Mutator {
    static let tokens: [String] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "null", "true", "false", "-", "0", "-0", "1e309",
        "18446744073709551616", "-9223372036854775809", "4294967296", "-1", "1.5", "\"type\"", "\"event\"", "\"snapshot\"",
        "\"summary\"", "\"attached\"", "\"version\":2", "\u{00e9}", "\u{1F4A3}", "\r", "\t", " ", "\u{0}",
    ]

    static func mutate(_ input: [UInt8], corpus: [String], using rng: inout SplitMix64) -> [UInt8] {
        var b = input
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let at = b.isEmpty ? 0 : Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0 where !b.isEmpty: b[at] = UInt8.random(in: 0...255, using: &rng)
            case 1 where !b.isEmpty: b[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            case 2 where !b.isEmpty: b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...16, using: &rng)))
            case 3: b.insert(contentsOf: Array(tokens.randomElement(using: &rng)!.utf8), at: at)
            case 4 where !b.isEmpty: b.removeSubrange(at...)  // truncate
            case 5:  // splice in part of another line
                let other = Array(corpus.randomElement(using: &rng)!.utf8)
                let from = Int.random(in: 0..<other.count, using: &rng)
                b.insert(contentsOf: other[from..<min(other.count, from + Int.random(in: 1...80, using: &rng))], at: at)
            case 6:  // replace a number with an extreme one
                if let digit = b.indices.filter({ (0x30...0x39).contains(b[$0]) }).randomElement(using: &rng) {
                    b.insert(contentsOf: Array(tokens[Int.random(in: 14..<22, using: &rng)].utf8), at: digit)
                }
            default:  // duplicate a range
                guard !b.isEmpty else { continue }
                let end = min(b.count, at + Int.random(in: 1...32, using: &rng))
                b.insert(contentsOf: b[at..<end], at: end)
            }
        }
        return b
    }
}

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same cases.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
