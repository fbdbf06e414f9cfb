import ArptopCore
import FoundationEssentials
import Glibc

/// Where the names of network namespaces come from on this machine: the initial namespace is
/// `/proc/1/ns/net`'s, and `ip netns add NAME` bind-mounts a namespace on `/run/netns/NAME`,
/// so a stat of that file gives the namespace's inode.
enum NetnsDirectory {
    static let directory = "/run/netns"

    /// The netns inode of the initial namespace (PID 1's), or init_net's usual inode when
    /// /proc/1/ns/net cannot be read. Read before privileges are dropped; it never changes.
    static func rootInode() -> UInt32 {
        var st = stat()
        guard stat("/proc/1/ns/net", &st) == 0, let inode = UInt32(exactly: st.st_ino) else {
            return NamespaceNames.defaultRootInode
        }
        return inode
    }

    /// (name, netns inode) for every file in /run/netns that is a namespace: a leftover file
    /// with nothing mounted on it (a namespace deleted by hand) lives on tmpfs, not on the
    /// namespace file system, and is left out. Empty when the directory does not exist.
    static func listing() -> [(name: String, netns: UInt32)] {
        var own = stat()
        guard stat("/proc/self/ns/net", &own) == 0, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return []
        }
        var out: [(name: String, netns: UInt32)] = []
        for name in names {
            var st = stat()
            guard stat(directory + "/" + name, &st) == 0, st.st_dev == own.st_dev, let inode = UInt32(exactly: st.st_ino) else { continue }
            out.append((name: name, netns: inode))
        }
        return out
    }
}

/// The live namespace names: the one owner of them in a kernel run (the screen and the
/// recording are fed from here). Reads /run/netns at most once per `interval`: namespaces come
/// and go while arptop runs.
final class NamespaceWatcher {
    private(set) var names: NamespaceNames
    private let interval: UInt64
    private var nextRead: UInt64 = 0

    init(intervalSeconds: Double = 1) {
        names = NamespaceNames(root: NetnsDirectory.rootInode())
        interval = UInt64(intervalSeconds * 1e9)
    }

    /// Reads /run/netns when `interval` has passed since the last read (the first call always
    /// reads); returns the records of names new or changed since, for the recording.
    func refresh(now: UInt64) -> [NetnsRecord] {
        guard now >= nextRead else { return [] }
        nextRead = now + interval
        return names.learn(listing: NetnsDirectory.listing()).map { NetnsRecord(netns: $0.netns, name: $0.name) }
    }
}
