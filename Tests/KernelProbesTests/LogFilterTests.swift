import ArptopABI
import ArptopCore
import Testing
@testable import KernelProbes

/// The `-i` names as the kernel matches them (rodata `log_ifnames`): the BPF test
/// `(word & mask) == match` over a device's char[16], applied here to the loader's encoding,
/// must agree with user space's `InterfaceFilter.names` on every device name.
@Suite("-i names for the kernel's log filter")
struct LogFilterTests {
    /// A device's char[16] as the kernel holds it: the name, its NUL, then `tail` (what a
    /// rename to a shorter name may leave behind).
    static func device(_ name: String, tail: [UInt8] = []) -> [UInt8] {
        var bytes = Array(name.utf8.prefix(15)) + [0] + tail
        bytes += [UInt8](repeating: 0, count: max(0, 16 - bytes.count))
        return Array(bytes.prefix(16))
    }

    /// The BPF program's test (log_wanted in BPF/arptop.bpf.c) on little-endian words.
    static func kernelMatches(_ m: arptop_ifname_match, _ device: [UInt8]) -> Bool {
        let w = (0..<2).map { i in device[(8 * i)..<(8 * i + 8)].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) } }
        let word = [m.word.0, m.word.1], mask = [m.mask.0, m.mask.1]
        return (w[0] & mask[0]) == word[0] && (w[1] & mask[1]) == word[1]
    }

    static let names = ["va", "v", "eth0.100", "fifteen-chars-x", "sixteen-chars-xx", ""]
    static let devices: [(String, [UInt8])] = [
        ("va", device("va")), ("va1", device("va1")), ("v", device("v")), ("vb", device("vb")),
        ("va", device("va", tail: Array("1garbage".utf8))), ("eth0.100", device("eth0.100")),
        ("eth0.1000", device("eth0.1000")), ("fifteen-chars-x", device("fifteen-chars-x")),
        ("fifteen-chars-", device("fifteen-chars-")), ("", device("")),
    ]

    @Test("each name matches exactly the devices of that name, garbage after the NUL ignored", arguments: names)
    func matchesLikeUserSpace(name: String) {
        let m = LoadedObject.ifnameMatch(name)
        for (deviceName, bytes) in Self.devices {
            // User space: a device seen with that name joins the `-i` filter.
            var filter = InterfaceFilter(names: [name])
            filter.learn(InterfaceID(netns: 1, ifindex: 2), name: deviceName)
            let userSpace = filter.matches(InterfaceID(netns: 1, ifindex: 2))
            #expect(Self.kernelMatches(m, bytes) == userSpace, "\(name) vs device \(deviceName) \(bytes)")
        }
    }

    @Test("a 16-byte name matches no device: the kernel's names end with a NUL within 16 bytes")
    func tooLongMatchesNothing() {
        let m = LoadedObject.ifnameMatch("sixteen-chars-xx")
        // The whole char[16] is compared, and the name's 16th byte is no NUL: a device name,
        // which has its NUL by then, never equals it (whatever its first 15 bytes).
        #expect(m.mask.0 == UInt64.max && m.mask.1 == UInt64.max)
        #expect(m.word.1 >> 56 == UInt64(UInt8(ascii: "x")))
        for name in ["sixteen-chars-x", "sixteen-chars-", "sixteen"] {
            #expect(!Self.kernelMatches(m, Self.device(name)), "\(name)")
        }
    }

    @Test("no names, or more than the kernel's slots: every interface is logged (count 0)")
    func countAndSlots() {
        let (none, slots) = LoadedObject.logInterfaceMatches([])
        #expect(none == 0)
        #expect(slots.count == Int(ARPTOP_LOG_IFNAMES_MAX))
        let (two, _) = LoadedObject.logInterfaceMatches(["va", "vc"])
        #expect(two == 2)
        let many = Set((0...Int(ARPTOP_LOG_IFNAMES_MAX)).map { "eth\($0)" })
        #expect(LoadedObject.logInterfaceMatches(many).0 == 0)
        let full = Set((0..<Int(ARPTOP_LOG_IFNAMES_MAX)).map { "eth\($0)" })
        let (count, matches) = LoadedObject.logInterfaceMatches(full)
        #expect(count == ARPTOP_LOG_IFNAMES_MAX)
        for name in full {
            #expect(matches.contains { Self.kernelMatches($0, Self.device(name)) }, "\(name) lost")
        }
    }
}
