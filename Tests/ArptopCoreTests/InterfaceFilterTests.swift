import Testing
@testable import ArptopCore

@Suite("Interface filter: one rule, by interface; -i names resolved by the aggregator")
struct InterfaceFilterTests {
    static let eth3 = InterfaceID(netns: rootNetns, ifindex: 3)
    static let eth3InPeer = InterfaceID(netns: otherNetns, ifindex: 7)
    static let eth4 = InterfaceID(netns: rootNetns, ifindex: 4)

    @Test("a filter matches identities only; a name it was given matches nothing until resolved")
    func matchesByIdentity() {
        #expect(InterfaceFilter.all.matches(Self.eth3) && InterfaceFilter.all.isAll)
        #expect(InterfaceFilter(names: []) == .all)
        var f = InterfaceFilter(names: ["eth3"])
        #expect(!f.isAll && !f.matches(Self.eth3))
        f.learn(Self.eth4, name: "eth4")
        #expect(!f.matches(Self.eth4))
        f.learn(Self.eth3, name: "eth3")
        f.learn(Self.eth3InPeer, name: "eth3")
        #expect(f.matches(Self.eth3) && f.matches(Self.eth3InPeer) && !f.matches(Self.eth4))
        #expect(f.names == ["eth3"], "the names stay for display")
        #expect(InterfaceFilter.interfaces([Self.eth4]).matches(Self.eth4))
    }

    @Test("-i eth3 given before eth3 exists: the aggregator resolves it when eth3 appears, with its calls since attach")
    func resolvedWhenTheInterfaceAppears() {
        var a = Aggregator(naming: TestNaming(), interfaceFilter: InterfaceFilter(names: ["eth3"]))
        a.ingest(snapshot(at: 1, [key(.arpProcess, "eth4", ifindex: 4): 2]))
        #expect(a.total() == 0)
        a.ingest(snapshot(at: 2, [key(.arpProcess, "eth4", ifindex: 4): 2, key(.arpProcess, "eth3", ifindex: 3): 5,
                                  key(.arpProcess, "eth3", ifindex: 7, netns: otherNetns): 1]))
        #expect(a.total() == 6, "eth3 in every namespace")
        #expect(a.interfaceFilter.matches(Self.eth3) && a.interfaceFilter.matches(Self.eth3InPeer))
    }

    @Test("an event's name resolves the filter before any snapshot has the interface; a nameless call counts by its interface")
    func eventsResolveWhereTheyEnter() {
        var a = Aggregator(naming: TestNaming(), interfaceFilter: InterfaceFilter(names: ["eth3"]))
        var e = SampleEvents.route
        e.interface = Self.eth3
        e.ifname = ""
        var admitted = a.admits(e)
        #expect(!admitted, "no name yet: not known to be eth3")
        e.ifname = "eth3"
        admitted = a.admits(e)
        #expect(admitted)
        e.ifname = ""
        admitted = a.admits(e)
        #expect(admitted, "the same interface, its name not read at this call")
        e.interface = Self.eth4
        e.ifname = "eth4"
        admitted = a.admits(e)
        #expect(!admitted)
    }

    @Test("through(_:) sees the same counts through another filter; the aggregator's own filter stays")
    func throughAnotherFilter() {
        var a = Aggregator(naming: TestNaming())
        a.ingest(snapshot(at: 1, [key(.arpProcess, "eth4", ifindex: 4): 2, key(.arpProcess, "eth3", ifindex: 3): 5]))
        a.interfaceFilter = .interfaces([Self.eth4])  // the picker's choice
        #expect(a.total() == 2)
        #expect(a.through(InterfaceFilter(names: ["eth3"])).total(scope: .sinceAttach) == 5)
        #expect(a.through(.all).total() == 7)
        #expect(a.total() == 2)
    }
}
