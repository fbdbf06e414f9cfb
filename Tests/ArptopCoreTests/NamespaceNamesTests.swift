import Testing
@testable import ArptopCore

@Suite("Network namespace names")
struct NamespaceNamesTests {
    static let root: UInt32 = 4026531840
    static let t1: UInt32 = 4026532289
    static let other: UInt32 = 4026532300

    @Test func rootNamedOrInode() {
        let names = NamespaceNames(root: Self.root, names: [Self.t1: "t1"])
        #expect(names.name(of: Self.root) == "root")
        #expect(names.name(of: Self.t1) == "t1")
        #expect(names.name(of: Self.other) == "4026532300")
    }

    @Test func theDefaultRootIsInitNetsInode() {
        #expect(NamespaceNames().root == 4026531840)
        #expect(NamespaceNames().name(of: 4026531840) == "root")
    }

    @Test func oneSpellingPerInterface() {
        let names = NamespaceNames(root: Self.root, names: [Self.t1: "t1"])
        let cases: [(InterfaceID, String, String)] = [
            (InterfaceID(netns: Self.root, ifindex: 3), "va", "va"),
            (InterfaceID(netns: Self.t1, ifindex: 2), "vb", "vb@t1"),
            (InterfaceID(netns: Self.other, ifindex: 2), "vc", "vc@4026532300"),
            (InterfaceID(netns: Self.root, ifindex: 4), "", "if4"),
            (InterfaceID(netns: Self.t1, ifindex: 4), "", "if4@t1"),
            (InterfaceID(netns: Self.root, ifindex: 0), "", "-"),
            (InterfaceID(netns: Self.t1, ifindex: 0), "", "-@t1"),
        ]
        for (id, name, label) in cases {
            #expect(names.label(id, name: name) == label, "\(id) \(name)")
        }
    }

    @Test func theUnknownInterfaceIsSpelledAsTheLogSpellsIt() {
        var e = ProbeEvent(timestampNs: 1, function: .fibLookup, cpu: 0, interface: InterfaceID(netns: Self.root, ifindex: 0), ifname: "", ret: 0)
        #expect(NamespaceNames().label(e.interface, name: e.ifname) == e.interfaceLabel)
        e.interface.ifindex = 7
        #expect(NamespaceNames().label(e.interface, name: e.ifname) == e.interfaceLabel)
    }

    @Test func theRootNamespaceIsNeverRenamed() {
        var names = NamespaceNames(root: Self.root)
        let r1 = names.learn(netns: Self.root, name: "host")
        #expect(!r1)
        let r2 = names.learn(listing: [(name: "host", netns: Self.root)])
        #expect(r2.isEmpty)
        #expect(names.name(of: Self.root) == "root")
        #expect(names.label(InterfaceID(netns: Self.root, ifindex: 3), name: "va") == "va")
    }

    @Test func aListingReportsOnlyWhatIsNewOrChanged() {
        var names = NamespaceNames(root: Self.root)
        let first = names.learn(listing: [(name: "t1", netns: Self.t1), (name: "t2", netns: Self.other)])
        #expect(first.map(\.netns) == [Self.t1, Self.other])
        #expect(first.map(\.name) == ["t1", "t2"])
        let r3 = names.learn(listing: [(name: "t1", netns: Self.t1), (name: "t2", netns: Self.other)])
        #expect(r3.isEmpty)
        // Renamed (or the inode reused by a new namespace): said again.
        let renamed = names.learn(listing: [(name: "t3", netns: Self.other)])
        #expect(renamed.map(\.name) == ["t3"])
        #expect(names.name(of: Self.other) == "t3")
    }

    @Test func aNameGoneFromTheDirectoryStays() {
        var names = NamespaceNames(root: Self.root)
        _ = names.learn(listing: [(name: "t1", netns: Self.t1)])
        let r4 = names.learn(listing: [])
        #expect(r4.isEmpty)
        #expect(names.name(of: Self.t1) == "t1")  // the log's older lines keep their namespace
    }

    @Test func twoNamesForOneNamespaceTakeTheFirstInByteOrder() {
        var names = NamespaceNames(root: Self.root)
        let learned = names.learn(listing: [(name: "zeta", netns: Self.t1), (name: "alpha", netns: Self.t1), (name: "mid", netns: Self.t1)])
        #expect(learned.map(\.name) == ["alpha"])
        #expect(names.name(of: Self.t1) == "alpha")
    }

    @Test func emptyNamesAreIgnored() {
        var names = NamespaceNames(root: Self.root)
        let r5 = names.learn(netns: Self.t1, name: "")
        #expect(!r5)
        let r6 = names.learn(listing: [(name: "", netns: Self.t1)])
        #expect(r6.isEmpty)
        #expect(names.name(of: Self.t1) == "4026532289")
    }
}
