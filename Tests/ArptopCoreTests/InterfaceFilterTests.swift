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

@Suite("What a run writes follows -i, whatever the screen shows")
struct OutputInterfacesTests {
    static let eth3 = InterfaceID(netns: rootNetns, ifindex: 3)
    static let eth4 = InterfaceID(netns: rootNetns, ifindex: 4)

    static func event(on id: InterfaceID, named name: String) -> ProbeEvent {
        var e = SampleEvents.route
        e.interface = id
        e.ifname = name
        return e
    }

    @Test("events: admitted on -i's interfaces only, named or (once resolved) not; each admitted one counted")
    func eventsAreAdmittedByInterface() {
        var out = OutputInterfaces(names: ["eth3"])
        let admitted = [(Self.eth3, ""), (Self.eth3, "eth3"), (Self.eth3, ""), (Self.eth4, "eth4")].map { id, name in
            out.admits(Self.event(on: id, named: name))
        }
        // A nameless call before eth3 was seen is not; once eth3 is known, its calls are, named or not.
        #expect(admitted == [false, true, true, false])
        #expect(out.eventsAdmitted == 2)
        var all = OutputInterfaces(names: [])
        let any = all.admits(Self.event(on: Self.eth4, named: ""))
        #expect(any && all.eventsAdmitted == 1)
    }

    @Test("snapshots, counts and summary: -i's interfaces, resolved by the aggregator, not the picker's choice")
    func countsFollowTheOutputsFilter() throws {
        var out = OutputInterfaces(names: ["eth3"])
        // The screen shows eth4 only (a picker's choice); the aggregator sees eth3 in the counts.
        var a = Aggregator(naming: TestNaming(), interfaceFilter: .interfaces([Self.eth4]))
        let s = snapshot(at: 1, [key(.arpProcess, "eth3", ifindex: 3): 5, key(.arpProcess, "eth4", ifindex: 4): 2])
        a.ingest(s)
        #expect(a.total() == 2)
        out.resolve(with: a)
        let record = out.record(s, naming: a.naming)
        #expect(record.rows.map(\.interface) == [Self.eth3], "the snapshot's rows on eth3 only")
        let nameless = out.admits(Self.event(on: Self.eth3, named: ""))
        #expect(nameless, "eth3 known from the counts: a nameless call is admitted")
        #expect(out.counts(of: a).total() == 5)
        let summary = out.summary(of: a, probes: [])
        #expect(summary.eventsLogged == 1)
        let rows = summary.functions.flatMap(\.rows)
        #expect(rows.allSatisfy { $0.interface == Self.eth3 })
    }
}
