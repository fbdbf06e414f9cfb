import ArptopCore

/// What the screen shows, as plain values: the renderer draws exactly this.
/// `ScreenModel(aggregator:log:source:elapsedSeconds:)` (ModelAdapter.swift) builds it from
/// ArptopCore's aggregates and event log; tests build it by hand. Counts here are already restricted to the active interface filter, except
/// `interfaces`, which lists everything seen (the picker offers it).
public struct ScreenModel: Sendable, Equatable {
    public var header: HeaderInfo
    /// One pane per kernel function, in any order; a missing function is drawn as "no data".
    public var panes: [PaneModel]
    public var log: LogModel
    /// Every interface seen, with its total calls across the four functions (not filtered).
    public var interfaces: [InterfaceCount]
    /// What the kernel did with the ARP packets (the `v` view).
    public var verdicts: VerdictsModel
    /// The network namespaces' names: the picker and the zoom spell `interfaces` with them
    /// (`vb@t1`), as the log's lines already are.
    public var namespaces: NamespaceNames
    /// The interfaces the counts and the log are restricted to (the aggregator's, which owns it).
    public var interfaceFilter: InterfaceFilter

    public init(header: HeaderInfo, panes: [PaneModel], log: LogModel, interfaces: [InterfaceCount],
                verdicts: VerdictsModel = VerdictsModel(), namespaces: NamespaceNames = NamespaceNames(),
                interfaceFilter: InterfaceFilter = .all) {
        self.header = header
        self.panes = panes
        self.log = log
        self.interfaces = interfaces
        self.verdicts = verdicts
        self.namespaces = namespaces
        self.interfaceFilter = interfaceFilter
    }

    /// A model with nothing counted yet and no probe attached yet (reason nil: "waiting").
    public static func empty(host: String = "", kernelRelease: String = "") -> ScreenModel {
        ScreenModel(
            header: HeaderInfo(host: host, kernelRelease: kernelRelease),
            panes: KernelFunction.allCases.map {
                PaneModel(function: $0, status: ProbeStatus(function: $0, mechanism: nil, target: nil, reason: nil))
            },
            log: LogModel(), interfaces: []
        )
    }

    public func pane(_ function: KernelFunction) -> PaneModel? { panes.first { $0.function == function } }

    /// The same screen with every count, rate, histogram and log line gone (what `c` shows
    /// while paused). Probe statuses and the header identity stay.
    public func cleared() -> ScreenModel {
        var m = self
        m.header.totalEvents = 0
        m.header.eventsPerSecond = 0
        m.panes = panes.map { PaneModel(function: $0.function, status: $0.status) }
        m.log = LogModel()
        m.interfaces = interfaces.map { InterfaceCount(id: $0.id, name: $0.name, count: 0) }
        m.verdicts = VerdictsModel(unavailable: verdicts.unavailable)
        return m
    }
}

public struct HeaderInfo: Sendable, Equatable {
    public var host: String
    public var kernelRelease: String
    /// Seconds since the probes were attached (or since the start of a recording).
    public var elapsedSeconds: Double
    /// Calls counted over all four functions since attach (or since the last clear).
    public var totalEvents: UInt64
    /// Calls per second over all four functions, over the last refresh interval.
    public var eventsPerSecond: Double
    /// Where the data comes from when it is not the live kernel, e.g. "replay capture.ndjson".
    public var source: String?

    public init(host: String, kernelRelease: String, elapsedSeconds: Double = 0, totalEvents: UInt64 = 0,
                eventsPerSecond: Double = 0, source: String? = nil) {
        self.host = host
        self.kernelRelease = kernelRelease
        self.elapsedSeconds = elapsedSeconds
        self.totalEvents = totalEvents
        self.eventsPerSecond = eventsPerSecond
        self.source = source
    }
}

public struct PaneModel: Sendable, Equatable {
    public var function: KernelFunction
    public var status: ProbeStatus
    public var totalCalls: UInt64
    /// Calls per second over the last refresh interval.
    public var ratePerSecond: Double
    /// Calls per second, one value per second, oldest first (the last minute: up to 60 values).
    public var sparkline: [Double]
    /// One bar per decoded return value; any order (the renderer sorts and folds the tail
    /// into an "other" row when space runs out).
    public var histogram: [HistogramBar]
    /// Calls per interface (shown when the pane is zoomed).
    public var interfaces: [InterfaceCount]

    public init(function: KernelFunction, status: ProbeStatus, totalCalls: UInt64 = 0, ratePerSecond: Double = 0,
                sparkline: [Double] = [], histogram: [HistogramBar] = [], interfaces: [InterfaceCount] = []) {
        self.function = function
        self.status = status
        self.totalCalls = totalCalls
        self.ratePerSecond = ratePerSecond
        self.sparkline = sparkline
        self.histogram = histogram
        self.interfaces = interfaces
    }
}

public struct HistogramBar: Sendable, Equatable {
    /// The decoded value: "0", "EXDEV", "RTN_LOCAL", a drop reason, …
    public var label: String
    public var count: UInt64
    public var isError: Bool

    public init(label: String, count: UInt64, isError: Bool) {
        self.label = label
        self.count = count
        self.isError = isError
    }

    /// This bar's share of `total` (0…1).
    public func share(of total: UInt64) -> Double { total == 0 ? 0 : Double(count) / Double(total) }
}

public struct LogModel: Sendable, Equatable {
    /// The lines held (oldest first, ascending `sequence`); the screen shows the newest at the bottom.
    public var lines: LogLines
    /// The packets (arp_process calls, each with its `packet`) held, oldest first: what the log
    /// shows in packet mode. The arp_process lines among `lines`.
    public var packets: LogLines = []
    /// Events received for the log since start (or the last clear), including ones no longer held.
    public var total: UInt64
    /// Events the kernel could not hand over (ring buffer full). Always shown.
    public var dropped: UInt64
    /// Events left out by the log rate limit (counts stay exact). Always shown.
    public var sampled: UInt64
    /// Program runs the kernel skipped (those calls are in no count); shown when non-zero,
    /// and always, as a lower bound, on a kernel that does not count every skip.
    public var missed: UInt64 = 0
    public var missedExact: Bool = true

    /// A note shown in the log's title rule: the demo started over, a replay stopped on a bad line.
    public var notice: String?
    public var noticeIsError: Bool

    public init(lines: LogLines = [], packets: LogLines = [], total: UInt64 = 0, dropped: UInt64 = 0, sampled: UInt64 = 0,
                missed: UInt64 = 0, missedExact: Bool = true, notice: String? = nil, noticeIsError: Bool = false) {
        self.packets = packets
        self.missed = missed
        self.missedExact = missedExact
        self.lines = lines
        self.total = total
        self.dropped = dropped
        self.sampled = sampled
        self.notice = notice
        self.noticeIsError = noticeIsError
    }
}

public struct LogLine: Sendable, Equatable {
    /// Increases by one per event; identifies the line while the log scrolls and old lines go.
    public var sequence: UInt64
    /// Already formatted by the adapter (`EventTimes`), e.g. "14:03:07.123", "2026-12-02 23:59:59.999", "boot+754.123s".
    public var time: String
    public var cpu: UInt32
    public var interface: String
    public var function: KernelFunction
    /// The one-line description of the call (addresses, ARP op, …).
    public var details: String
    /// The decoded return: "0", "EXDEV", "RTN_LOCAL", …
    public var returnName: String
    public var isError: Bool
    /// arp_process: the packet and what became of it (packet mode); nil for other functions.
    public var packet: PacketLine? {
        get { packetBox?.value }
        set { packetBox = newValue.map(PacketBox.init) }
    }
    /// Boxed: a line stays small to copy (the live view copies thousands per refresh).
    private var packetBox: PacketBox?

    public init(sequence: UInt64, time: String, cpu: UInt32, interface: String, function: KernelFunction,
                details: String, returnName: String, isError: Bool, packet: PacketLine? = nil) {
        self.packetBox = packet.map(PacketBox.init)
        self.sequence = sequence
        self.time = time
        self.cpu = cpu
        self.interface = interface
        self.function = function
        self.details = details
        self.returnName = returnName
        self.isError = isError
    }

    /// The text the log filter looks in: what the line shows (the function by both its names,
    /// the narrow log's short one too).
    public var searchText: String {
        let short = function.shortName == function.name ? "" : " \(function.shortName)"
        return "\(time) \(cpu) \(interface) \(function.name)\(short) \(details) \(returnName)"
    }

    /// The text the log filter looks in, in a log mode: a packet line by what it shows.
    public func searchText(_ mode: LogMode) -> String {
        guard mode == .packets, let p = packet else { return searchText }
        return "\(time) \(interface) \(p.summary) \(p.verdictLabel ?? "no verdict") \(p.why ?? "")"
    }
}

/// A `PacketLine` held by reference (it never changes once built).
final class PacketBox: Sendable, Equatable {
    let value: PacketLine
    init(_ value: PacketLine) { self.value = value }
    static func == (a: PacketBox, b: PacketBox) -> Bool { a === b || a.value == b.value }
}

/// What the log lists: every logged call, or only the ARP packets with their verdicts.
public enum LogMode: Sendable, Equatable {
    case calls
    case packets
}

/// One ARP packet (an arp_process call) as packet mode shows it, with its verdict, the one-line
/// why when it was not answered, and the chain of calls behind the verdict (shown expanded).
public struct PacketLine: Sendable, Equatable {
    /// "request", "reply", "op 3"; empty when the call's entry was not seen.
    public var op: String
    public var sender: String
    public var target: String
    /// "rp_filter", "dropped", ...; nil: no verdict (a recording made without them, or the
    /// call's entry not seen).
    public var verdict: String?
    /// The verdict's reason ("IP_RPFILTER", "gratuitous"); empty when it has none.
    public var reason: String
    public var isUnanswered: Bool
    /// The one-line answer (`PacketVerdict.why`), when there is one.
    public var why: String?
    /// The calls the packet went through and the settings that decided, one per row.
    public var chain: [String]

    public init(op: String, sender: String, target: String, verdict: String?, reason: String = "", isUnanswered: Bool = false,
                why: String? = nil, chain: [String] = []) {
        self.op = op
        self.sender = sender
        self.target = target
        self.verdict = verdict
        self.reason = reason
        self.isUnanswered = isUnanswered
        self.why = why
        self.chain = chain
    }

    /// "rp_filter (IP_RPFILTER)", "replied"; nil without a verdict.
    public var verdictLabel: String? { verdict.map { reason.isEmpty ? $0 : "\($0) (\(reason))" } }

    /// The why as a packet line shows it: the verdict beside it, marked, already says "not answered".
    public var shortWhy: String? {
        guard let why else { return nil }
        let prefix = "not answered: "
        return why.hasPrefix(prefix) ? String(why.dropFirst(prefix.count)) : why
    }

    /// "request 10.77.0.50 -> 10.77.0.1", "(entry not seen: attached mid-call)".
    public var summary: String {
        op.isEmpty ? "(entry not seen: attached mid-call)" : "\(op) \(sender) -> \(target)"
    }
}

/// The verdicts view: per interface, packets by verdict with rates; the top unanswered
/// (target, sender, interface, verdict) from the logged packets; and why the latest one was
/// not answered. Counts are exact (the kernel's); the table is a sample of the log.
public struct VerdictsModel: Sendable, Equatable {
    /// Why no verdicts can be shown (arp_process not probed, a recording without them); nil
    /// when they can.
    public var unavailable: String?
    /// The interfaces shown with packets since the clear, the most unanswered first.
    public var interfaces: [VerdictInterface]
    /// The busiest unanswered (target, sender, interface, verdict), from the logged packets.
    public var top: [UnansweredRow]
    /// Unanswered packets on the interfaces shown: counted (exact) and logged (in the table).
    public var unansweredCounted: UInt64
    public var unansweredLogged: UInt64
    /// The most recent unanswered packet logged on the interfaces shown.
    public var latest: UnansweredRow?

    public init(unavailable: String? = nil, interfaces: [VerdictInterface] = [], top: [UnansweredRow] = [],
                unansweredCounted: UInt64 = 0, unansweredLogged: UInt64 = 0, latest: UnansweredRow? = nil) {
        self.unavailable = unavailable
        self.interfaces = interfaces
        self.top = top
        self.unansweredCounted = unansweredCounted
        self.unansweredLogged = unansweredLogged
        self.latest = latest
    }

    public var packets: UInt64 { interfaces.reduce(0) { $0 + $1.packets } }
    public var unanswered: UInt64 { interfaces.reduce(0) { $0 + $1.unanswered } }
    public var ratePerSecond: Double { interfaces.reduce(0) { $0 + $1.ratePerSecond } }
    /// Unanswered packets counted but not in the table (sampled or dropped from the log).
    public var unansweredNotLogged: UInt64 { unansweredCounted > unansweredLogged ? unansweredCounted - unansweredLogged : 0 }
}

/// One interface's packets by verdict.
public struct VerdictInterface: Sendable, Equatable {
    public var id: InterfaceID
    /// "vc", or "eth0@t1" outside the root namespace (as the log and the picker).
    public var label: String
    public var rows: [VerdictCount]

    public init(id: InterfaceID, label: String, rows: [VerdictCount]) {
        self.id = id
        self.label = label
        self.rows = rows
    }

    public var packets: UInt64 { rows.reduce(0) { $0 + $1.count } }
    public var unanswered: UInt64 { rows.filter(\.isUnanswered).reduce(0) { $0 + $1.count } }
    public var ratePerSecond: Double { rows.reduce(0) { $0 + $1.ratePerSecond } }
}

/// Packets of one verdict (and reason) on one interface.
public struct VerdictCount: Sendable, Equatable {
    public var verdict: ArpVerdict
    /// The reason's name ("IP_RPFILTER", "gratuitous"); empty when the verdict has none.
    public var reasonName: String
    public var count: UInt64
    public var ratePerSecond: Double

    public init(verdict: ArpVerdict, reasonName: String = "", count: UInt64, ratePerSecond: Double = 0) {
        self.verdict = verdict
        self.reasonName = reasonName
        self.count = count
        self.ratePerSecond = ratePerSecond
    }

    public var isUnanswered: Bool { verdict.isUnanswered }
    /// "rp_filter (IP_RPFILTER)", "replied".
    public var label: String { VerdictCount.label(verdict, reasonName) }

    static func label(_ verdict: ArpVerdict, _ reasonName: String) -> String {
        reasonName.isEmpty ? verdict.rawValue : "\(verdict.rawValue) (\(reasonName))"
    }
}

/// One row of the top unanswered table.
public struct UnansweredRow: Sendable, Equatable {
    public var key: UnansweredKey
    public var target: String
    public var sender: String
    /// "vc", "vb@t1" (as the log and the picker).
    public var interface: String
    /// "rp_filter (IP_RPFILTER)", "not_local".
    public var verdict: String
    public var count: UInt64
    /// When the latest packet was seen ("14:03:07", "2026-12-02 23:59:59" on another day, "boot+754s").
    public var lastSeen: String
    /// Why the latest packet was not answered.
    public var why: String
    /// The latest packet's sequence number in the log (Enter shows it there).
    public var latestSequence: UInt64?

    public init(key: UnansweredKey, target: String, sender: String, interface: String, verdict: String, count: UInt64,
                lastSeen: String, why: String, latestSequence: UInt64? = nil) {
        self.key = key
        self.target = target
        self.sender = sender
        self.interface = interface
        self.verdict = verdict
        self.count = count
        self.lastSeen = lastSeen
        self.why = why
        self.latestSequence = latestSequence
    }
}
