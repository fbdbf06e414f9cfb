import DequeModule

/// An event kept in the log, with its sequence number: 0 for the first event ever appended,
/// one more per event; it identifies a line while the log scrolls and old events go.
public struct LoggedEvent: Sendable, Equatable {
    public var sequence: UInt64
    public var event: ProbeEvent
}

/// The most recent `ProbeEvent`s in a fixed-capacity ring: the oldest is evicted when full,
/// so memory stays bounded however fast events arrive.
public struct EventLog: Sendable {
    /// The most events kept.
    public let capacity: Int
    /// Kept events, oldest first.
    public private(set) var events: Deque<ProbeEvent> = []
    /// Events appended since the log was created.
    public private(set) var received: UInt64 = 0
    /// Events pushed out by newer ones since the log was created.
    public private(set) var evicted: UInt64 = 0
    private var receivedBeforeClear: UInt64 = 0

    /// Creates an empty log that keeps at most `capacity` (> 0) events.
    public init(capacity: Int = 10_000) {
        precondition(capacity > 0, "EventLog capacity must be positive")
        self.capacity = capacity  // storage grows on demand: a large, idle log costs nothing
    }

    /// The number of events kept.
    public var count: Int { events.count }

    /// Events appended since the last `clear()` (or since creation).
    public var receivedSinceClear: UInt64 { received - receivedBeforeClear }

    /// Adds an event, evicting the oldest when full.
    public mutating func append(_ event: ProbeEvent) {
        if events.count == capacity {
            events.removeFirst()
            evicted += 1
        }
        events.append(event)
        received += 1
    }

    /// Adds events in order, evicting the oldest when full.
    public mutating func append(contentsOf newEvents: some Sequence<ProbeEvent>) {
        for event in newEvents { append(event) }
    }

    /// Forgets the kept events and restarts `receivedSinceClear`; sequence numbers continue.
    public mutating func clear() {
        events.removeAll(keepingCapacity: true)
        receivedBeforeClear = received
    }

    /// The sequence number of the oldest kept event (`received` when none is kept).
    public var firstSequence: UInt64 { received - UInt64(events.count) }

    /// The kept event with sequence number `sequence`, if it is still kept.
    public func event(_ sequence: UInt64) -> ProbeEvent? {
        guard sequence >= firstSequence, sequence < received else { return nil }
        return events[Int(sequence - firstSequence)]
    }

    /// Up to `limit` most recent events that pass `filter`, oldest first; with `since`, only
    /// those numbered `since` or later (what arrived after an earlier call).
    public func recent(_ limit: Int, filter: InterfaceFilter = .all, since: UInt64 = 0) -> [LoggedEvent] {
        var out: [LoggedEvent] = []
        let firstSequence = firstSequence
        let oldest = since > firstSequence ? Int(min(since - firstSequence, UInt64(events.count))) : 0
        var index = events.endIndex
        while index > oldest, out.count < limit {
            index -= 1
            if filter.matches(events[index].interface) {
                out.append(LoggedEvent(sequence: firstSequence + UInt64(index), event: events[index]))
            }
        }
        return out.reversed()
    }
}

extension ProbeEvent {
    /// The interface name, or `if<ifindex>` when the name is unknown, or `-` when both are
    /// (`NamespaceNames.label` adds the namespace).
    public var interfaceLabel: String { NamespaceNames.interfaceName(interface, name: ifname) }

    /// Whether the call failed: any return other than 0 (errno or, on 6.13+, a drop reason).
    public var isError: Bool { function.isFailure(ret) }

    /// One line for a log view: time (see `EventTimes`), CPU, interface, function, details and
    /// return name, e.g. `14:03:07.123 cpu1 va       arp_process         reply 10.77.0.1 is-at aa:bb:cc:dd:ee:01 ret=0`.
    public func logLine(naming: any ReturnValueNaming, times: EventTimes = .sinceBoot) -> String {
        [
            times.string(timestampNs),
            "cpu\(cpu)",
            interfaceLabel.padded(to: 8),
            function.name.padded(to: 19),
            details(naming: naming),
            "ret=\(naming.returnName(ret, of: function))",
        ].joined(separator: " ")
    }

    /// What the call was about, by function:
    /// - arp_process: `request who-has T tell S (MAC)`, `reply S is-at MAC`, plus `no_addr`,
    ///   `no_in_device` and `rp_filter=N` when they apply;
    /// - ip_route_input_slow: `S -> D`;
    /// - fib_lookup: `table N iif N oif N S -> D [RTN_*]`;
    /// - fib_validate_source: `src S dst D oif N`.
    public func details(naming: any ReturnValueNaming) -> String {
        if missingEntry { return "(entry not seen: attached mid-call)" }
        switch function {
        case .arpProcess:
            let mac = MAC.format(senderMAC)
            var text: String
            switch arpOp {
            case 1: text = "request who-has \(targetIP) tell \(senderIP) (\(mac))"
            case 2: text = "reply \(senderIP) is-at \(mac)"
            default: text = "op \(arpOp) \(senderIP) (\(mac)) -> \(targetIP)"
            }
            if noAddr { text += " no_addr" }
            if noInDevice { text += " no_in_device" }
            if rpFilter != 0 { text += " rp_filter=\(rpFilter)" }
            return text
        case .ipRouteInputSlow:
            return "\(saddr) -> \(daddr)"
        case .fibLookup:
            var text = "table \(tableID) iif \(iif) oif \(oif) \(saddr) -> \(daddr)"
            if hasRouteType { text += " " + naming.routeTypeName(routeType) }
            return text
        case .fibValidateSource:
            return "src \(saddr) dst \(daddr) oif \(oif)"
        }
    }
}

/// Ethernet addresses as text.
public enum MAC {
    /// "aa:bb:cc:dd:ee:ff" (lowercase, two digits per byte).
    public static func format(_ bytes: [UInt8]) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: ":")
    }

    /// The bytes of "aa:bb:cc:dd:ee:ff" (any number of colon-separated hex bytes), or nil.
    public static func parse(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        for part in text.split(separator: ":", omittingEmptySubsequences: false) {
            guard (1...2).contains(part.count), let b = UInt8(part, radix: 16) else { return nil }
            bytes.append(b)
        }
        return bytes
    }
}

extension String {
    /// The string padded with spaces on the right to `width` characters (never truncated).
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
