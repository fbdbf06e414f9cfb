/// Which interfaces the counts, the summary and the log are restricted to.
public enum InterfaceFilter: Sendable, Equatable {
    case all
    /// Exact interfaces (netns + ifindex), as chosen in the UI's picker.
    case interfaces(Set<InterfaceID>)
    /// Interface names (`-i eth3`): that name in any network namespace.
    case names(Set<String>)

    /// `.names(names)`, or `.all` when `names` is empty.
    public init(names: Set<String>) {
        self = names.isEmpty ? .all : .names(names)
    }

    /// Whether the filter lets everything through.
    public var isAll: Bool { self == .all }

    /// Whether the interface `id`, currently named `name`, passes.
    public func matches(_ id: InterfaceID, name: String) -> Bool {
        switch self {
        case .all: true
        case .interfaces(let ids): ids.contains(id)
        case .names(let names): names.contains(name)
        }
    }

    /// Whether the event's interface (with the name it had at the call) passes.
    public func matches(_ event: ProbeEvent) -> Bool {
        matches(event.interface, name: event.ifname)
    }
}
