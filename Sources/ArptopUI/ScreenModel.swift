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

    public init(header: HeaderInfo, panes: [PaneModel], log: LogModel, interfaces: [InterfaceCount]) {
        self.header = header
        self.panes = panes
        self.log = log
        self.interfaces = interfaces
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
    public var lines: [LogLine]
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

    public init(lines: [LogLine] = [], total: UInt64 = 0, dropped: UInt64 = 0, sampled: UInt64 = 0,
                missed: UInt64 = 0, missedExact: Bool = true, notice: String? = nil, noticeIsError: Bool = false) {
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
    /// Already formatted by the adapter, e.g. "14:03:07.123456".
    public var time: String
    public var cpu: UInt32
    public var interface: String
    public var function: KernelFunction
    /// The one-line description of the call (addresses, ARP op, …).
    public var details: String
    /// The decoded return: "0", "EXDEV", "RTN_LOCAL", …
    public var returnName: String
    public var isError: Bool

    public init(sequence: UInt64, time: String, cpu: UInt32, interface: String, function: KernelFunction,
                details: String, returnName: String, isError: Bool) {
        self.sequence = sequence
        self.time = time
        self.cpu = cpu
        self.interface = interface
        self.function = function
        self.details = details
        self.returnName = returnName
        self.isError = isError
    }

    /// The text search looks in.
    public var searchText: String {
        "\(time) \(cpu) \(interface) \(function.name) \(details) \(returnName)"
    }
}
