/// Display names of network namespaces, by netns inode: `root` for the initial namespace, the
/// `ip netns` name (a file in /run/netns) where one exists, else the inode number.
///
/// Pure: the CLI reads /run/netns and /proc/1/ns/net and hands the results in (`learn`);
/// a replay learns the same names from the recording's `netns` records. A name once learned
/// stays (the log's older lines were in that namespace under that name) until the same inode
/// is given another one.
public struct NamespaceNames: Sendable, Equatable {
    /// The initial namespace's inode where it cannot be read (init_net's on every kernel tested).
    public static let defaultRootInode: UInt32 = 4_026_531_840

    /// The inode of the initial network namespace.
    public var root: UInt32
    /// `ip netns` names by inode (never the root's).
    public private(set) var names: [UInt32: String] = [:]

    public init(root: UInt32 = defaultRootInode, names: [UInt32: String] = [:]) {
        self.root = root
        for (netns, name) in names { learn(netns: netns, name: name) }
    }

    /// `root`, the `ip netns` name, or the inode number.
    public func name(of netns: UInt32) -> String {
        if netns == root { return "root" }
        return names[netns] ?? String(netns)
    }

    /// How every screen spells an interface: `va` in the root namespace, `vb@t1` (or
    /// `vb@4026532289` without a name) in another; `if4` when its name is unknown, `-` when
    /// there is no interface (ifindex 0).
    public func label(_ id: InterfaceID, name: String) -> String {
        let base = Self.interfaceName(id, name: name)
        return id.netns == root ? base : "\(base)@\(self.name(of: id.netns))"
    }

    /// The interface without its namespace: its name, `if4` when unknown, `-` for none.
    public static func interfaceName(_ id: InterfaceID, name: String) -> String {
        name.isEmpty ? (id.ifindex != 0 ? "if\(id.ifindex)" : "-") : name
    }

    /// Learns one name (from a `netns` record); a name for the root inode is ignored.
    /// Returns whether anything changed.
    @discardableResult
    public mutating func learn(netns: UInt32, name: String) -> Bool {
        guard netns != root, !name.isEmpty, names[netns] != name else { return false }
        names[netns] = name
        return true
    }

    /// Learns what a listing of /run/netns found: (file name, netns inode) pairs. Where several
    /// names point at one namespace, the first in byte order names it. Returns the names that
    /// are new or changed, by inode (what a recording must be told), in inode order.
    public mutating func learn(listing: [(name: String, netns: UInt32)]) -> [(netns: UInt32, name: String)] {
        var chosen: [UInt32: String] = [:]
        for entry in listing where entry.netns != root && !entry.name.isEmpty {
            if let old = chosen[entry.netns], Array(old.utf8).lexicographicallyPrecedes(Array(entry.name.utf8)) { continue }
            chosen[entry.netns] = entry.name
        }
        var changed: [(netns: UInt32, name: String)] = []
        for (netns, name) in chosen.sorted(by: { $0.key < $1.key }) {
            if learn(netns: netns, name: name) { changed.append((netns: netns, name: name)) }
        }
        return changed
    }
}
