import ArptopCore
import Glibc

/// `arptop --replay FILE --summary | --json | --prometheus-textfile F`: a recording analysed
/// without a terminal, as fast as it can be read (no root, no BPF). The output is what the
/// live run would have written with the same `-i`: the events on those interfaces, the
/// snapshots through the filter, and a summary of the last snapshot.
struct HeadlessReplay {
    let path: String
    let format: HeadlessMode.Format
    let interfaces: Set<String>
    var prometheusTextfile: String? = nil

    func run() throws {
        let reader: RecordingReader
        do { reader = try RecordingReader(path: path) } catch { throw Failure(error.description) }
        func next() throws -> NumberedRecord? {
            do { return try reader.next() } catch { throw Failure(error.description) }
        }
        guard let first = try next() else { throw Failure("recording \(path) is empty") }
        guard case .attached(let attached) = first.record else {
            throw Failure("recording \(path) line \(first.line): the first record must be \"attached\" (was this written by arptop --json?)")
        }
        var aggregator = Aggregator(naming: reader.naming, historyWindowNs: 0, interfaceFilter: InterfaceFilter(names: interfaces))
        var out = StdoutWriter()
        var eventsLogged: UInt64 = 0
        if format == .json { out.line(attached.jsonLine) }
        while let numbered = try next(), !out.closed {
            switch numbered.record {
            case .event(let e):
                guard aggregator.admits(e.event) else { continue }
                eventsLogged += 1
                if format == .json { out.event(EventRecord(event: e.event, naming: reader.naming), realtimeOffsetNs: attached.realtimeOffsetNs) }
            case .snapshot(let s):
                let snapshot = s.aggregateSnapshot
                aggregator.naming = reader.naming
                aggregator.ingest(snapshot)
                if format == .json { out.line(SnapshotRecord(snapshot: snapshot, naming: reader.naming, filter: aggregator.interfaceFilter).jsonLine) }
            case .netns(let n):
                if format == .json { out.line(n.jsonLine) }
            case .attached, .summary:
                break  // the recording's own summary is of all interfaces; ours follows -i
            }
        }
        aggregator.naming = reader.naming
        warnAboutMissingInterfaces(seen: Set(aggregator.interfaceNames.values))
        let report = aggregator.summary(probes: attached.probes, eventsLogged: eventsLogged)
        if format == .json { out.line(report.jsonLine) } else { out.line(report.text()) }
        out.flush()
        if let prometheusTextfile {
            let textfile = PrometheusTextfile(path: prometheusTextfile)
            try textfile.update(aggregator, probes: attached.probes, running: false)
        }
    }

    /// `-i eth3` on a recording without eth3 would print empty tables without a word: say so.
    private func warnAboutMissingInterfaces(seen: Set<String>) {
        let missing = interfaces.subtracting(seen).sorted()
        guard !missing.isEmpty else { return }
        let names = missing.map { "'\($0)'" }.joined(separator: ", ")
        let has = seen.isEmpty ? "no interface at all" : seen.sorted().joined(separator: ", ")
        writeStderr("arptop: warning: recording \(path) has no interface named \(names) (it has \(has))\n")
    }
}
