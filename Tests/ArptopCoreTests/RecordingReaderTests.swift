import Foundation
import Testing
@testable import ArptopCore

@Suite("Recording reader")
struct RecordingReaderTests {
    /// A file in a fresh temporary directory, removed by `cleanup()`.
    final class TempFile {
        let directory: URL
        let path: String

        init(_ contents: String) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("arptop-core-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            path = directory.appendingPathComponent("rec.ndjson").path
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        }

        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    static let attached = AttachedRecord(host: "vm", kernel: "6.1.0-28-amd64", probes: RecordTests.probes).jsonLine
    static let event = EventRecord(event: SampleEvents.route, naming: TestNaming()).jsonLine
    static let snapshotLine = SnapshotRecord(snapshot: snapshot(at: 3, RecordTests.counts), naming: TestNaming()).jsonLine

    func readAll(_ reader: RecordingReader) throws(RecordingError) -> [NumberedRecord] {
        var out: [NumberedRecord] = []
        while let r = try reader.next() { out.append(r) }
        return out
    }

    func error(reading contents: String) throws -> RecordingError? {
        let file = try TempFile(contents)
        let reader = try RecordingReader(path: file.path)
        do throws(RecordingError) {
            _ = try readAll(reader)
            return nil
        } catch {
            #expect(error.file == file.path)
            #expect(error.description.hasPrefix("recording \(file.path) line \(error.line): "))
            return error
        }
    }

    @Test func readsRecordsWithLineNumbersSkippingBlankLines() throws {
        let file = try TempFile([Self.attached, "", Self.event, "  ", Self.snapshotLine + "\r", ""].joined(separator: "\n"))
        let reader = try RecordingReader(path: file.path)
        let records = try readAll(reader)
        #expect(records.map(\.line) == [1, 3, 5])
        guard case .attached(let a) = records[0].record, case .event(let e) = records[1].record, case .snapshot = records[2].record else {
            Issue.record("wrong record kinds: \(records)")
            return
        }
        #expect(a.kernel == "6.1.0-28-amd64")
        #expect(reader.attached == a)
        #expect(e.event == SampleEvents.route)
        #expect(reader.naming.returnName(-18, of: .ipRouteInputSlow) == "EXDEV")
        #expect(reader.naming.routeTypeName(2) == "RTN_LOCAL")
        #expect(try reader.next() == nil)
    }

    @Test func emptyFileHasNoRecords() throws {
        let file = try TempFile("")
        #expect(try readAll(RecordingReader(path: file.path)).isEmpty)
    }

    @Test func completeLastLineWithoutNewlineIsAccepted() throws {
        let file = try TempFile(Self.attached + "\n" + Self.event)
        #expect(try readAll(RecordingReader(path: file.path)).map(\.line) == [1, 2])
    }

    @Test func corruptLineIsNamed() throws {
        let lines = [Self.attached, Self.event, Self.event, #"{"type":"event","time_ns":12,,}"#, Self.event]
        let e = try #require(try error(reading: lines.joined(separator: "\n") + "\n"))
        #expect(e.line == 4)
        #expect(e.message == "invalid JSON at column 30: expected a key string, found ','")
    }

    @Test func lineNumberSeventeen() throws {
        let lines = [Self.attached] + Array(repeating: Self.event, count: 15) + ["garbage"]
        let e = try #require(try error(reading: lines.joined(separator: "\n") + "\n"))
        #expect(e.description.hasSuffix(" line 17: invalid JSON at column 1: unexpected 'g'"))
    }

    @Test func truncatedLastLineIsNamed() throws {
        let cut = String(Self.event.prefix(40))
        let e = try #require(try error(reading: Self.attached + "\n" + Self.event + "\n" + cut))
        #expect(e.line == 3)
        #expect(e.message == "truncated: the file ends in the middle of this record (no newline, incomplete JSON)")
    }

    @Test func incompleteLineInTheMiddleIsMalformedNotTruncated() throws {
        let e = try #require(try error(reading: String(Self.event.prefix(40)) + "\n" + Self.event + "\n"))
        #expect(e.line == 1)
        #expect(e.message.hasPrefix("invalid JSON at column 41: input ends where"))
    }

    @Test func futureVersionIsRefused() throws {
        let line = Self.attached.replacingOccurrences(of: #""version":2"#, with: #""version":3"#)
        let e = try #require(try error(reading: line + "\n" + Self.event + "\n"))
        #expect(e.line == 1)
        #expect(e.message == "format version 3 is newer than this arptop understands (version 2): use a newer arptop")
    }

    @Test func unknownRecordTypeIsRefused() throws {
        let e = try #require(try error(reading: Self.attached + "\n" + #"{"type":"hello","x":1}"# + "\n"))
        #expect(e.line == 2)
        #expect(e.message == #"unknown record type "hello" (this arptop knows attached, event, snapshot, summary, netns)"#)
    }

    @Test func learnsNamespaceNamesAsItReads() throws {
        let attached = AttachedRecord(host: "vm", kernel: "6.1", rootNetns: 4026531999, probes: []).jsonLine
        let netns = NetnsRecord(netns: 4026532289, name: "t1").jsonLine
        let file = try TempFile([attached, Self.event, netns, Self.event].joined(separator: "\n") + "\n")
        let reader = try RecordingReader(path: file.path)
        _ = try reader.next()
        #expect(reader.namespaces.root == 4026531999)
        _ = try reader.next()
        #expect(reader.namespaces.names.isEmpty)  // not yet read
        guard case .netns(let n) = try #require(try reader.next()).record else { Issue.record("not a netns record"); return }
        #expect(n == NetnsRecord(netns: 4026532289, name: "t1"))
        #expect(reader.namespaces.label(InterfaceID(netns: 4026532289, ifindex: 2), name: "vb") == "vb@t1")
    }

    @Test func missingFieldIsNamed() throws {
        let line = Self.event.replacingOccurrences(of: #""cpu":0,"#, with: "")
        let e = try #require(try error(reading: Self.attached + "\n" + line + "\n"))
        #expect(e.line == 2)
        #expect(e.message == #"field "cpu" is missing"#)
    }

    @Test func missingFileIsReported() {
        #expect(throws: RecordingError(file: "/nonexistent/rec.ndjson", line: 0, message: "cannot open: No such file or directory")) {
            try RecordingReader(path: "/nonexistent/rec.ndjson")
        }
        #expect(RecordingError(file: "f", line: 0, message: "m").description == "recording f: m")
    }

    @Test(arguments: [1, 2, 3, 7, 64, 1 << 16])
    func chunkBoundariesDoNotMatter(chunkSize: Int) throws {
        let lines = [Self.attached, Self.event, "", Self.snapshotLine, Self.event]
        let file = try TempFile(lines.joined(separator: "\n") + "\n")
        let records = try readAll(RecordingReader(path: file.path, chunkSize: chunkSize))
        #expect(records.map(\.line) == [1, 2, 4, 5])
        #expect(records.map(\.record.jsonLine) == [Self.attached, Self.event, Self.snapshotLine, Self.event])
    }

    @Test func readsFromAFileDescriptor() throws {
        let file = try TempFile(Self.attached + "\n")
        let handle = try #require(FileHandle(forReadingAtPath: file.path))
        let reader = RecordingReader(fileDescriptor: handle.fileDescriptor, name: "-")
        #expect(try readAll(reader).count == 1)
        try handle.close()
    }

    @Test func streamsAMultiMegabyteRecordingInBoundedMemory() throws {
        // Events with varied fields and a snapshot every 1000 events: about 3 MB in all.
        var text = Self.attached + "\n"
        var expectedEvents = 0
        var last = AggregateSnapshot(monotonicNs: 0, counts: [:], stats: StreamStats())
        for i in 0..<12_000 {
            var e = SampleEvents.all[i % SampleEvents.all.count]
            e.timestampNs = UInt64(1_000_000 + i)
            e.cpu = UInt32(i % 2)
            text += EventRecord(event: e, naming: TestNaming()).jsonLine + "\n"
            expectedEvents += 1
            if i % 1000 == 999 {
                last = snapshot(at: Double(i), [key(.arpProcess, "va"): UInt64(i), key(.fibLookup, "va", routeType: 2): UInt64(i / 2)],
                                stats: stats(submitted: UInt64(i)))
                text += SnapshotRecord(snapshot: last, naming: TestNaming()).jsonLine + "\n"
            }
        }
        let file = try TempFile(text)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        #expect(size > 2_500_000)

        let reader = try RecordingReader(path: file.path, chunkSize: 1 << 16)
        var events = 0, snapshots = 0, lastLine = 0
        var aggregator = Aggregator(naming: TestNaming())
        while let r = try reader.next() {
            lastLine = r.line
            switch r.record {
            case .event: events += 1
            case .snapshot(let s):
                snapshots += 1
                aggregator.ingest(s.aggregateSnapshot)
            default: break
            }
        }
        #expect(events == expectedEvents)
        #expect(snapshots == 12)
        #expect(lastLine == 1 + 12_000 + 12)
        #expect(aggregator.latest == last)
        #expect(aggregator.total(of: .arpProcess) == 11_999)
        // Only about one chunk plus a partial line was ever buffered, never the file.
        #expect(reader.peakBufferBytes < 2 * (1 << 16))
    }
}
