import DequeModule

/// The most recent `ProbeEvent`s in a fixed-capacity ring: the oldest is evicted when full,
/// so memory stays bounded however fast events arrive.
public struct EventLog: Sendable {
    /// The most events kept.
    public let capacity: Int
    /// Kept events, oldest first.
    public private(set) var events: Deque<ProbeEvent> = []
    /// Events ever appended.
    public private(set) var received: UInt64 = 0
    /// Events pushed out by newer ones.
    public private(set) var evicted: UInt64 = 0

    /// Creates an empty log that keeps at most `capacity` (> 0) events.
    public init(capacity: Int = 10_000) {
        precondition(capacity > 0, "EventLog capacity must be positive")
        self.capacity = capacity
        events.reserveCapacity(capacity)
    }

    /// The number of events kept.
    public var count: Int { events.count }

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

    /// Forgets the kept events (the received and evicted counters keep counting).
    public mutating func removeAll() {
        events.removeAll(keepingCapacity: true)
    }

    /// Up to `limit` most recent events on the named interfaces (all when empty), oldest first.
    public func recent(_ limit: Int, interfaces: Set<String> = []) -> [ProbeEvent] {
        var out: [ProbeEvent] = []
        var index = events.endIndex
        while index > events.startIndex, out.count < limit {
            index -= 1
            if events[index].isOn(interfaces) { out.append(events[index]) }
        }
        return out.reversed()
    }

    /// The kept events on the named interfaces (all when empty), oldest first.
    public func events(interfaces: Set<String>) -> [ProbeEvent] {
        events.filter { $0.isOn(interfaces) }
    }
}

extension ProbeEvent {
    /// Whether the event happened on one of the named interfaces (any when the set is empty).
    public func isOn(_ interfaces: Set<String>) -> Bool {
        interfaces.isEmpty || interfaces.contains(ifname)
    }

    /// One line for a log view: time (seconds after `originNs`), CPU, interface, function,
    /// details and return name, e.g.
    /// `12.000100 cpu1 va       arp_process         request who-has 10.77.0.1 tell 10.77.0.2 (aa:bb:cc:dd:ee:01) ret=0`.
    public func logLine(naming: any ReturnValueNaming, originNs: UInt64 = 0) -> String {
        let name = ifname.isEmpty ? (interface.ifindex != 0 ? "if\(interface.ifindex)" : "-") : ifname
        return [
            Self.seconds(timestampNs, since: originNs),
            "cpu\(cpu)",
            name.padded(to: 8),
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

    /// `ns - origin` as seconds with microseconds ("12.000100", "-0.500000").
    static func seconds(_ ns: UInt64, since origin: UInt64) -> String {
        let negative = ns < origin
        let delta = negative ? origin - ns : ns - origin
        let micros = String(delta % 1_000_000_000 / 1_000)
        return (negative ? "-" : "") + "\(delta / 1_000_000_000)." + String(repeating: "0", count: 6 - micros.count) + micros
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
