/// Naming that does not need the running kernel: the names a recording carries.

/// Route type values for the `RTN_*` names that recordings carry (records hold names only;
/// replay needs the values back). These are fixed UAPI values (`include/uapi/linux/rtnetlink.h`);
/// live naming still comes from the kernel's BTF.
enum RouteTypeNames {
    /// The route type a recorded name stands for: an `RTN_*` name, or a decimal number (what
    /// a naming writes for a value it cannot name); nil otherwise.
    static func value(of name: String) -> UInt32? {
        if let index = names.firstIndex(of: name) { return UInt32(index) }
        return UInt32(name)
    }

    /// Indexed by value.
    static let names = [
        "RTN_UNSPEC", "RTN_UNICAST", "RTN_LOCAL", "RTN_BROADCAST", "RTN_ANYCAST", "RTN_MULTICAST",
        "RTN_BLACKHOLE", "RTN_UNREACHABLE", "RTN_PROHIBIT", "RTN_THROW", "RTN_NAT", "RTN_XRESOLVE",
    ]
}

/// The names a recording was made with, learned from its records; values it never saw are
/// written in decimal.
public struct RecordedNaming: ReturnValueNaming, Equatable {
    /// Indexed by `KernelFunction.rawValue` (0..<4) (one hash per lookup: a name per logged event).
    private var returns: [[Int32: String]] = Array(repeating: [:], count: KernelFunction.allCases.count)
    private var routeTypes: [UInt32: String] = [:]

    public init() {}

    /// Remembers that `ret` of `function` was named `name`.
    public mutating func learn(returnName name: String, for ret: Int32, of function: KernelFunction) {
        returns[Int(function.rawValue)][ret] = name
    }

    /// Remembers that route type `routeType` was named `name`.
    public mutating func learn(routeTypeName name: String, for routeType: UInt32) {
        routeTypes[routeType] = name
    }

    public func returnName(_ ret: Int32, of function: KernelFunction) -> String {
        returns[Int(function.rawValue)][ret] ?? String(ret)
    }

    public func routeTypeName(_ routeType: UInt32) -> String {
        routeTypes[routeType] ?? String(routeType)
    }
}

extension RecordedNaming {
    /// Learns the return and route type names a record carries.
    public mutating func learn(from record: Record) {
        switch record {
        case .attached, .netns: break
        case .event(let r):
            learn(returnName: r.returnName, for: r.event.ret, of: r.event.function)
            if let name = r.routeTypeName { learn(routeTypeName: name, for: r.event.routeType) }
        case .snapshot(let r):
            r.rows.forEach { learn(from: $0) }
            r.verdicts.forEach { learn(from: $0) }
        case .summary(let r):
            r.functions.forEach { $0.rows.forEach { learn(from: $0) } }
            r.verdicts.forEach { learn(from: $0) }
        }
        if case .event(let r) = record, let p = r.event.packet, let name = r.reasonName, p.verdict == .routeError || p.verdict == .rpFilter {
            learn(returnName: name, for: p.reason, of: .ipRouteInputSlow)
        }
    }

    private mutating func learn(from row: VerdictRow) {
        if row.verdict == .routeError || row.verdict == .rpFilter {
            learn(returnName: row.reasonName, for: row.reason, of: .ipRouteInputSlow)
        }
    }

    private mutating func learn(from row: CountRow) {
        learn(returnName: row.returnName, for: row.ret, of: row.function)
        if let name = row.routeTypeName { learn(routeTypeName: name, for: row.routeType) }
    }
}
