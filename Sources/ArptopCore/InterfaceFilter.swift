/// Which interfaces the counts, the summary and the log are restricted to.
///
/// One matching rule: an interface passes by its identity (network namespace + ifindex),
/// never by a name. A name given with `-i eth3` (possibly before eth3 exists) is kept for
/// display and resolved to identities as interfaces carrying it are seen (`learn`); the
/// `Aggregator` that owns the filter does that where snapshots and events enter.
public struct InterfaceFilter: Sendable, Equatable {
    /// The names asked for with `-i`, shown in the header; empty for a picker's selection.
    public private(set) var names: Set<String>
    /// The interfaces that pass; nil: every interface.
    public private(set) var ids: Set<InterfaceID>?

    private init(names: Set<String>, ids: Set<InterfaceID>?) {
        self.names = names
        self.ids = ids
    }

    /// Every interface.
    public static let all = InterfaceFilter(names: [], ids: nil)

    /// Exact interfaces, as chosen in the UI's picker.
    public static func interfaces(_ ids: Set<InterfaceID>) -> InterfaceFilter { InterfaceFilter(names: [], ids: ids) }

    /// Interface names (`-i eth3`): every interface seen with one of those names, in any
    /// network namespace; `.all` when `names` is empty.
    public init(names: Set<String>) {
        self.init(names: names, ids: names.isEmpty ? nil : [])
    }

    /// `InterfaceFilter(names:)`.
    public static func names(_ names: Set<String>) -> InterfaceFilter { InterfaceFilter(names: names) }

    /// Whether the filter lets everything through.
    public var isAll: Bool { ids == nil }

    /// Whether the interface `id` passes.
    public func matches(_ id: InterfaceID) -> Bool { ids?.contains(id) ?? true }

    /// The interface `id` was seen named `name`: when that is a name asked for, it passes from
    /// now on (a later rename does not take it out).
    public mutating func learn(_ id: InterfaceID, name: String) {
        guard names.contains(name), ids?.contains(id) == false else { return }
        ids?.insert(id)
    }
}
