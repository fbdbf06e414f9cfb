// arptop-bench: user-space benchmarks of arptop (BENCHMARKS.md). Not part of `swift test`.
//
//   arptop-bench decode [--events N]      ring-buffer records/s: decode, + log, + JSON
//   arptop-bench render [--frames N] [--live-only] [--filter TEXT]
//                                         one live-view frame at 200×60 (model build + render)
//   arptop-bench rss [--events N] [--log-size N]   resident memory after N events
//   arptop-bench all                      all three, default sizes
//
// Build in release mode: swift build --scratch-path .build-bench -c release --product arptop-bench
//
// The decode path replicates KernelProbes' `ProbeEvent.init?(_ e: arptop_event)`
// (Sources/KernelProbes/Decoding.swift, internal to that module, and this target must not
// link libbpf): the same field-by-field conversion from the real `struct arptop_event`
// (imported from ArptopABI), read with `loadUnaligned` from a byte buffer laid out as the
// ring buffer hands records over. Everything after decoding is ArptopCore's public API,
// exactly as Sources/arptop/LiveMode.swift and HeadlessMode.swift call it.
import ArptopABI
import KernelProbes
import ArptopCore
import ArptopUI
import FoundationEssentials
import Glibc

// MARK: - clocks and memory

func monotonicNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func threadCPUNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// VmRSS and VmHWM from /proc/self/status, in kB.
func memoryKB() -> (rss: Int, hwm: Int) {
    guard let text = readFileToEnd("/proc/self/status").map({ String(decoding: $0, as: UTF8.self) }) else { return (0, 0) }
    var rss = 0, hwm = 0
    for line in text.split(separator: "\n") {
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count >= 2, let value = Int(parts[1]) else { continue }
        if parts[0] == "VmRSS:" { rss = value }
        if parts[0] == "VmHWM:" { hwm = value }
    }
    return (rss, hwm)
}

func mb(_ kb: Int) -> String { cFormat("%.1f MB", Double(kb) / 1024) }

/// printf-style formatting of numbers (FoundationEssentials has no `String(format:)`).
/// Wraps `vsnprintf(3)`.
func cFormat(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { va in
        var buffer = [CChar](repeating: 0, count: 256)
        _ = vsnprintf(&buffer, buffer.count, format, va)
        return String(cString: buffer)
    }
}

/// `text` padded with spaces to at least `width` characters, as printf's `%-Ns`.
func leftAligned(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
}

// MARK: - the decode path: KernelProbes' own (the one the live and headless modes use)

func decode(_ e: arptop_event) -> ProbeEvent? { ProbeEvent(e) }

// MARK: - realistic input

let interfaceNames = ["eth0", "eth1", "eth2", "eth3", "va", "vc", "bond0", "br-lan"]

/// The raw bytes of `n` distinct `struct arptop_event` records, as the BPF side writes them
/// (the ARP flood's mix: per request one arp_process, ip_route_input_slow, fib_lookup and
/// fib_validate_source call, on several interfaces, some errors).
func makeRecords(_ n: Int) -> [UInt8] {
    let stride = MemoryLayout<arptop_event>.size
    var buffer = [UInt8](repeating: 0, count: n * stride)
    buffer.withUnsafeMutableBytes { raw in
        for i in 0..<n {
            var e = arptop_event()
            let fn = UInt32(i % 4)
            let ifi = (i / 4) % interfaceNames.count
            e.timestamp_ns = 1_000_000_000 + UInt64(i) * 10_000
            e.duration_ns = 1_500 + UInt64(i % 97)
            e.function = fn
            e.cpu = UInt32(i % 2)
            e.netns = 4_026_531_840 + UInt32(ifi / 4)
            e.ifindex = Int32(2 + ifi)
            withUnsafeMutableBytes(of: &e.ifname) { dst in
                let name = Array(interfaceNames[ifi].utf8)
                for (j, byte) in name.enumerated() { dst[j] = byte }
            }
            let error = i % 10 == 9
            switch fn {
            case 0:  // arp_process
                e.arp_op = UInt16(ARPTOP_ARPOP_REQUEST)
                withUnsafeMutableBytes(of: &e.sender_mac) { m in
                    for j in 0..<6 { m[j] = UInt8(truncatingIfNeeded: 0x02 + j * 17 + i) }
                }
                e.sender_ip = UInt32(0x0a4d_0000 | UInt32(truncatingIfNeeded: i & 0xffff)).bigEndian
                e.target_ip = UInt32(0x0a4d_0001).bigEndian
                e.settings.rp_filter = error ? 1 : 0
            case 1:  // ip_route_input_slow
                e.ret = error ? -18 : 0
                e.daddr = UInt32(0x0a4d_0001).bigEndian
                e.saddr = UInt32(0x0a4d_0002).bigEndian
            case 2:  // fib_lookup
                e.ret = error ? -11 : 0
                e.route_type = error ? 0 : 2
                e.flags = error ? 0 : UInt32(ARPTOP_EVF_ROUTE_TYPE)
                e.table_id = 255
                e.iif = e.ifindex
                e.daddr = UInt32(0x0a4d_0001).bigEndian
                e.saddr = UInt32(0x0a4d_0002).bigEndian
            default:  // fib_validate_source
                e.ret = error ? -18 : 0
                e.saddr = UInt32(0x0a4d_0002).bigEndian
                e.daddr = UInt32(0x0a4d_0001).bigEndian
            }
            raw.storeBytes(of: e, toByteOffset: i * stride, as: arptop_event.self)
        }
    }
    return buffer
}

func naming() -> RecordedNaming {
    var n = RecordedNaming()
    for f in KernelFunction.allCases {
        n.learn(returnName: "0", for: 0, of: f)
        n.learn(returnName: "EXDEV", for: -18, of: f)
        n.learn(returnName: "EAGAIN", for: -11, of: f)
        n.learn(returnName: "EINVAL", for: -22, of: f)
    }
    n.learn(routeTypeName: "RTN_LOCAL", for: 2)
    n.learn(routeTypeName: "RTN_UNICAST", for: 1)
    return n
}

/// Hands `total` records to `body`, cycling through `records` like a ring buffer would.
@inline(__always)
func forEachRecord(_ records: [UInt8], total: Int, _ body: (arptop_event) -> Void) {
    let stride = MemoryLayout<arptop_event>.size
    let n = records.count / stride
    records.withUnsafeBytes { raw in
        var k = 0
        for _ in 0..<total {
            body(raw.loadUnaligned(fromByteOffset: k * stride, as: arptop_event.self))
            k += 1
            if k == n { k = 0 }
        }
    }
}

// MARK: - benchmarks

struct Rate {
    let name: String
    let events: Int
    let wallNs: UInt64
    let cpuNs: UInt64
    var perSecond: Double { Double(events) / (Double(cpuNs) / 1e9) }
    var line: String {
        leftAligned(name, 58) + cFormat(" %10.0f events/s (CPU %.3f s, wall %.3f s, %.0f ns/event)",
                                         perSecond, Double(cpuNs) / 1e9, Double(wallNs) / 1e9, Double(cpuNs) / Double(events))
    }
}

func measure(_ name: String, events: Int, _ body: () -> Void) -> Rate {
    let w0 = monotonicNs(), c0 = threadCPUNs()
    body()
    let c1 = threadCPUNs(), w1 = monotonicNs()
    return Rate(name: name, events: events, wallNs: w1 - w0, cpuNs: c1 - c0)
}

func benchDecode(events: Int) {
    let records = makeRecords(4096)
    let names = naming()
    print("decode: \(events) records of struct arptop_event (\(MemoryLayout<arptop_event>.size) bytes), one thread")
    var results: [Rate] = []

    var checksum: UInt64 = 0
    results.append(measure("decode (arptop_event -> ProbeEvent)", events: events) {
        forEachRecord(records, total: events) { raw in
            if let e = decode(raw) { checksum &+= UInt64(truncatingIfNeeded: e.ret) &+ UInt64(e.ifname.utf8.count) }
        }
    })

    // What LiveMode does per record: decode, append to the fixed-size log.
    var log = EventLog(capacity: 10_000)
    results.append(measure("decode + EventLog.append (live view, --log-size 10000)", events: events) {
        forEachRecord(records, total: events) { raw in
            if let e = decode(raw) { log.append(e) }
        }
    })

    // What HeadlessMode --summary does per record: decode, interface filter, count.
    var filtering = Aggregator(naming: names, historyWindowNs: 0, interfaceFilter: InterfaceFilter(names: ["va", "eth3"]))
    var logged: UInt64 = 0
    results.append(measure("decode + filter + count (--summary -i va -i eth3)", events: events) {
        forEachRecord(records, total: events) { raw in
            if let e = decode(raw), filtering.admits(e) { logged += 1 }
        }
    })

    // What --json / --record add: one NDJSON line per event.
    let jsonEvents = max(events / 10, 1)
    var bytesOut = 0
    results.append(measure("decode + EventLog.append + EventRecord JSON line", events: jsonEvents) {
        forEachRecord(records, total: jsonEvents) { raw in
            if let e = decode(raw) {
                log.append(e)
                bytesOut &+= EventRecord(event: e, naming: names).jsonLine.utf8.count
            }
        }
    })
    // The JSON encoding alone, of events already decoded (what #11 item 9 measures): as a
    // String per line, and appended as bytes to an output buffer (no String).
    var decoded: [ProbeEvent] = []
    forEachRecord(records, total: 4096) { raw in if let e = decode(raw) { decoded.append(e) } }
    let offset: Int64 = 1_796_281_920_123_455_789
    results.append(measure("EventRecord JSON line (String), decoded events", events: events) {
        for i in 0..<events {
            bytesOut &+= EventRecord(event: decoded[i % decoded.count], naming: names).jsonLine(realtimeOffsetNs: offset).utf8.count
        }
    })
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 20)
    results.append(measure("EventRecord JSON line (bytes), decoded events", events: events) {
        for i in 0..<events {
            EventRecord(event: decoded[i % decoded.count], naming: names).appendJSONLine(to: &buffer, realtimeOffsetNs: offset)
            if buffer.count > 1 << 19 {
                bytesOut &+= buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
    })
    for r in results { print("  " + r.line) }

    // The counts side: one snapshot of the kernel's count map per refresh.
    var aggregator = Aggregator(naming: names)
    let snapshots = (0..<200).map { makeSnapshot(second: $0, rows: 256) }
    let a = measure("Aggregator.ingest, snapshot of 256 count rows", events: snapshots.count) {
        for s in snapshots { aggregator.ingest(s) }
    }
    print("  " + leftAligned(a.name, 58) + cFormat(" %10.1f µs/snapshot", Double(a.cpuNs) / Double(a.events) / 1000))
    print("  (checksums: \(checksum % 1000) \(logged % 1000) \(bytesOut % 1000) \(log.count))")
}

/// A counts snapshot with `rows` rows (functions × interfaces × return values) as it would
/// be read `second` seconds after attach under a steady flood.
func makeSnapshot(second: Int, rows: Int) -> AggregateSnapshot {
    var counts: [CountKey: UInt64] = [:]
    let rets: [Int32] = [0, -18, -11, -22, -113, -101, -1, -2]
    var i = 0
    outer: for ns in 0..<4 {
        for (ifi, name) in interfaceNames.enumerated() {
            for f in KernelFunction.allCases {
                for r in rets.prefix(2) {
                    if i == rows { break outer }
                    let key = CountKey(function: f, interface: InterfaceID(netns: 4_026_531_840 + UInt32(ns), ifindex: Int32(2 + ifi)),
                                       ifname: name, ret: r, routeType: f == .fibLookup && r == 0 ? 2 : 0)
                    counts[key] = UInt64(second + 1) * UInt64(1000 + i * 37) / (r == 0 ? 1 : 10)
                    i += 1
                }
            }
        }
    }
    var stats = StreamStats()
    stats.submitted = UInt64(second) * 4000
    stats.sampled = UInt64(second) * 96_000
    return AggregateSnapshot(monotonicNs: 1_000_000_000 + UInt64(second) * 1_000_000_000, counts: counts, stats: stats)
}

func percentile(_ sorted: [UInt64], _ p: Double) -> Double {
    Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6
}

/// `liveOnly`: only the frame LiveMode draws (for profiling it alone); `filter`: with the
/// log filtered by that text, typed as a person types it (`/`, the text, Enter).
func benchRender(frames: Int, liveOnly: Bool = false, filter: String? = nil) {
    let names = naming()
    var aggregator = Aggregator(naming: names)
    for s in 0...60 { aggregator.ingest(makeSnapshot(second: s, rows: 256)) }
    var log = EventLog(capacity: 10_000)
    forEachRecord(makeRecords(4096), total: 20_000) { raw in if let e = decode(raw) { log.append(e) } }
    let probes = KernelFunction.allCases.map {
        ProbeStatus(function: $0, mechanism: $0 == .fibValidateSource ? .kprobe : .fentry,
                    target: $0 == .fibLookup ? "fib_table_lookup" : $0.name, reason: nil)
    }
    let source = ScreenSource(host: "bench-host", kernelRelease: "6.1.0-56-amd64", probes: probes, clock: .sinceBoot)
    let size = TerminalSize(rows: 60, cols: 200)
    var state = UIState(model: .empty(host: source.host, kernelRelease: source.kernelRelease), size: size, refreshInterval: 1)
    if let filter {
        _ = state.handle(.character("/"))
        for ch in filter { _ = state.handle(.character(ch)) }
        _ = state.handle(.enter)
    }
    // LiveMode's state sees only models built with the line cache (each frame lets go of the
    // last one, as LiveMode does), not the from-scratch models measured beside it.
    var liveState = state

    var build: [UInt64] = [], render: [UInt64] = [], total: [UInt64] = [], build60: [UInt64] = [], cachedFrame: [UInt64] = []
    let lineCache = LogLineCache()
    var cells = 0
    /// What LiveMode does per frame: 20 new events logged, the model with its log-line cache,
    /// then render. Returns the CPU time of the model and the render.
    func liveFrame() -> UInt64 {
        forEachRecord(makeRecords(64), total: 20) { raw in if let e = decode(raw) { log.append(e) } }
        let t0 = threadCPUNs()
        liveState.update(ScreenModel(aggregator: aggregator, log: log, source: source, elapsedSeconds: 61, lineCache: lineCache))
        let grid = Renderer.render(liveState, glyphs: .unicode)
        let t1 = threadCPUNs()
        cells &+= grid.size.rows
        return t1 - t0
    }
    for i in 0..<(frames + 5) {
        if liveOnly {
            let t = liveFrame()
            if i >= 5 { cachedFrame.append(t) }
            continue
        }
        let t0 = threadCPUNs()
        let model = ScreenModel(aggregator: aggregator, log: log, source: source, elapsedSeconds: 61)
        state.update(model)
        let t1 = threadCPUNs()
        let grid = Renderer.render(state, glyphs: .unicode)
        let t2 = threadCPUNs()
        cells &+= grid.size.rows
        // The same model with only as many log lines as the screen shows (not what LiveMode does).
        let t3 = threadCPUNs()
        let small = ScreenModel(aggregator: aggregator, log: log, source: source, elapsedSeconds: 61, maxLogLines: 60)
        let t4 = threadCPUNs()
        cells &+= small.log.lines.count
        let live = liveFrame()
        if i >= 5 {  // the first frames warm caches
            build.append(t1 - t0); render.append(t2 - t1); total.append(t2 - t0); build60.append(t4 - t3)
            cachedFrame.append(live)
        }
    }
    build.sort(); render.sort(); total.sort(); build60.sort(); cachedFrame.sort()
    if liveOnly {
        print("render: \(frames) frames at 200×60, LiveMode's frame only" + (filter.map { ", log filtered by \"\($0)\"" } ?? ""))
        print("  " + leftAligned("frame with LogLineCache, 20 new events (LiveMode)", 48)
              + cFormat(" median %.3f ms  p99 %.3f ms", percentile(cachedFrame, 0.5), percentile(cachedFrame, 0.99)))
        return
    }
    print("render: \(frames) frames at 200×60 (4 panes, 256 count rows, 60 s of history, 10000-event log), one thread")
    for (name, xs) in [("ScreenModel build (aggregates + log -> model)", build),
                       ("Renderer.render (model -> cell grid)", render),
                       ("frame = build + render, no line cache", total),
                       ("frame with LogLineCache, 20 new events (LiveMode)", cachedFrame),
                       ("for comparison: build with maxLogLines 60", build60)] {
        print("  " + leftAligned(name, 48) + cFormat(" median %.3f ms  p99 %.3f ms  max %.3f ms",
                                                     percentile(xs, 0.5), percentile(xs, 0.99), Double(xs.last!) / 1e6))
    }
    print("  (terminal output is not included: ncurses writes only the cells that changed)  [\(cells % 7)]")
}

func benchRSS(events: Int, logSize: Int) {
    let records = makeRecords(4096)
    let before = memoryKB()
    var log = EventLog(capacity: logSize)
    let r = measure("decode + EventLog.append", events: events) {
        forEachRecord(records, total: events) { raw in if let e = decode(raw) { log.append(e) } }
    }
    let after = memoryKB()
    print("rss: \(events) events through decode + EventLog.append, --log-size \(logSize)")
    print("  before: RSS \(mb(before.rss)); after: RSS \(mb(after.rss)), peak (VmHWM) \(mb(after.hwm)); log holds \(log.count) events")
    print("  " + r.line)
}

// MARK: - command line

let args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, default value: Int) -> Int {
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1].filter { $0 != "_" }) else {
        return value
    }
    return v
}
setvbuf(stdout, nil, _IOLBF, 0)
switch args.first ?? "all" {
case "decode":
    benchDecode(events: option("--events", default: 5_000_000))
case "render":
    benchRender(frames: option("--frames", default: 300), liveOnly: args.contains("--live-only"),
                filter: args.firstIndex(of: "--filter").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil })
case "rss":
    benchRSS(events: option("--events", default: 10_000_000), logSize: option("--log-size", default: 10_000))
case "all":
    benchDecode(events: 5_000_000)
    benchRender(frames: 300)
    benchRSS(events: 10_000_000, logSize: 10_000)
case "-h", "--help", "help":
    print("usage: arptop-bench [decode [--events N] | render [--frames N] | rss [--events N] [--log-size N] | all]")
default:
    fputs("arptop-bench: unknown benchmark \(args[0]) (decode, render, rss, all)\n", stderr)
    exit(64)
}
