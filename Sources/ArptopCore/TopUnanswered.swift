/// The ARP packets this box did not answer, grouped iftop-style by (target, sender,
/// interface, verdict, reason), most frequent first: "who keeps asking for what, where, and
/// why is it refused". Built from the logged packets (arp_process events with an unanswered
/// verdict), so it is a sample when the log is rate limited; the exact numbers are the
/// kernel's verdict counts. Memory is bounded: at most `capacity` keys, a new key evicting the
/// smallest (then the least recently seen) one, and the packets it held are counted as
/// `evictedPackets`.
public struct UnansweredKey: Hashable, Sendable {
    public var target: IPv4
    public var sender: IPv4
    public var interface: InterfaceID
    public var verdict: ArpVerdict
    public var reason: Int32

    public init(target: IPv4, sender: IPv4, interface: InterfaceID, verdict: ArpVerdict, reason: Int32 = 0) {
        self.target = target
        self.sender = sender
        self.interface = interface
        self.verdict = verdict
        self.reason = reason
    }

    /// The key of an arp_process event whose packet was not answered; nil for any other event.
    public init?(_ event: ProbeEvent) {
        guard event.function == .arpProcess, let p = event.packet, p.verdict.isUnanswered else { return nil }
        self.init(target: event.targetIP, sender: event.senderIP, interface: event.interface, verdict: p.verdict, reason: p.reason)
    }
}

/// One row of `TopUnanswered`: how often, when first and last, and the latest packet (its
/// facts give the why line).
public struct UnansweredEntry: Sendable, Equatable {
    public var key: UnansweredKey
    /// The interface's name in the latest packet.
    public var ifname: String
    public var count: UInt64
    public var firstSeenNs: UInt64
    public var lastSeenNs: UInt64
    /// The latest packet of this key.
    public var latest: ProbeEvent
    /// Its sequence number in the event log, when the caller gave one.
    public var latestSequence: UInt64?
}

public struct TopUnanswered: Sendable {
    /// The most keys kept.
    public let capacity: Int
    public private(set) var entries: [UnansweredKey: UnansweredEntry] = [:]
    /// Keys pushed out to make room for new ones, since the last clear.
    public private(set) var evictedKeys: UInt64 = 0
    /// Packets counted under evicted keys, since the last clear.
    public private(set) var evictedPackets: UInt64 = 0
    /// Unanswered packets taken per interface since the last clear (with the interface's
    /// latest name), evicted ones included: what the log holds of the exact counts.
    private var perInterface: [InterfaceID: (name: String, packets: UInt64)] = [:]

    /// An empty table keeping at most `capacity` (> 0) keys.
    public init(capacity: Int = 256) {
        precondition(capacity > 0, "TopUnanswered capacity must be positive")
        self.capacity = capacity
    }

    /// Takes one logged event: an arp_process event with an unanswered verdict is counted,
    /// any other event is ignored. Returns whether it was counted. `sequence` is the event's
    /// number in the log (to find the packet there again).
    @discardableResult
    public mutating func add(_ event: ProbeEvent, sequence: UInt64? = nil) -> Bool {
        guard let key = UnansweredKey(event) else { return false }
        perInterface[key.interface, default: (event.ifname, 0)].packets += 1
        if !event.ifname.isEmpty { perInterface[key.interface]!.name = event.ifname }
        if var e = entries[key] {
            e.count += 1
            if event.timestampNs >= e.lastSeenNs {
                e.lastSeenNs = event.timestampNs
                e.latest = event
                e.latestSequence = sequence
                if !event.ifname.isEmpty { e.ifname = event.ifname }
            }
            e.firstSeenNs = min(e.firstSeenNs, event.timestampNs)
            entries[key] = e
            return true
        }
        if entries.count >= capacity, let victim = entries.values.min(by: Self.evictsFirst) {
            entries[victim.key] = nil
            evictedKeys += 1
            evictedPackets += victim.count
        }
        entries[key] = UnansweredEntry(key: key, ifname: event.ifname, count: 1, firstSeenNs: event.timestampNs,
                                       lastSeenNs: event.timestampNs, latest: event, latestSequence: sequence)
        return true
    }

    /// Takes events in order.
    public mutating func add(contentsOf events: some Sequence<ProbeEvent>) {
        for e in events { add(e) }
    }

    /// Forgets everything (`c`, a replay starting over).
    public mutating func clear() {
        entries.removeAll()
        perInterface.removeAll()
        evictedKeys = 0
        evictedPackets = 0
    }

    /// Which of two entries goes first when room is needed: the smaller count, then the one
    /// seen least recently, then the key's order (so eviction is deterministic).
    static func evictsFirst(_ a: UnansweredEntry, _ b: UnansweredEntry) -> Bool {
        if a.count != b.count { return a.count < b.count }
        if a.lastSeenNs != b.lastSeenNs { return a.lastSeenNs < b.lastSeenNs }
        return a.key.orderKey < b.key.orderKey
    }

    /// The `limit` busiest keys on the interfaces `filter` lets through: by count, then the
    /// most recently seen, then target, sender, interface, verdict.
    public func top(_ limit: Int, filter: InterfaceFilter = .all) -> [UnansweredEntry] {
        guard limit > 0 else { return [] }
        return entries.values.filter { filter.matches($0.key.interface) }
            .sorted { a, b in
                if a.count != b.count { return a.count > b.count }
                if a.lastSeenNs != b.lastSeenNs { return a.lastSeenNs > b.lastSeenNs }
                return a.key.orderKey < b.key.orderKey
            }
            .prefix(limit).map { $0 }
    }

    /// The most recently seen key on the interfaces `filter` lets through.
    public func latest(filter: InterfaceFilter = .all) -> UnansweredEntry? {
        entries.values.filter { filter.matches($0.key.interface) }
            .max { ($0.lastSeenNs, $1.key.orderKey) < ($1.lastSeenNs, $0.key.orderKey) }
    }

    /// Unanswered packets taken on the interfaces `filter` lets through since the last clear
    /// (evicted keys' packets included).
    public func packets(filter: InterfaceFilter = .all) -> UInt64 {
        perInterface.reduce(0) { sum, item in
            filter.matches(item.key) ? sum + item.value.packets : sum
        }
    }
}

extension UnansweredKey {
    /// Target, sender (by address value), interface, verdict, reason.
    var orderKey: Ordered { Ordered(key: self) }

    struct Ordered: Comparable {
        let key: UnansweredKey
        static func < (a: Ordered, b: Ordered) -> Bool {
            let x = a.key, y = b.key
            return (x.target.hostOrder, x.sender.hostOrder, x.interface.netns, x.interface.ifindex, x.verdict.code, x.reason)
                < (y.target.hostOrder, y.sender.hostOrder, y.interface.netns, y.interface.ifindex, y.verdict.code, y.reason)
        }
        static func == (a: Ordered, b: Ordered) -> Bool { a.key == b.key }
    }
}

extension IPv4 {
    /// The address as a number in host order (10.0.0.2 > 10.0.0.1), for sorting.
    var hostOrder: UInt32 { raw.byteSwapped }
}
