import Testing
@testable import ArptopCore

@Suite("Aggregator")
struct AggregatorTests {
    let vb = InterfaceID(netns: otherNetns, ifindex: 3)  // same ifindex as va, other namespace

    /// va (root netns, ifindex 3) and vb (other netns, also ifindex 3).
    var twoNamespaces: AggregateSnapshot {
        snapshot(at: 10, [
            key(.arpProcess, "va"): 5,
            key(.arpProcess, "vb", netns: otherNetns): 7,
            key(.ipRouteInputSlow, "va", ret: -18): 2,
            key(.fibLookup, "va", routeType: 2): 6,
            key(.fibLookup, "va", ret: -11): 2,
        ], stats: stats(submitted: 22, dropped: 1, sampled: 3))
    }

    func aggregator(_ snapshots: AggregateSnapshot...) -> Aggregator {
        var a = Aggregator(naming: TestNaming())
        snapshots.forEach { a.ingest($0) }
        return a
    }

    @Test func totalsPerFunction() {
        let a = aggregator(twoNamespaces)
        #expect(a.total(of: .arpProcess) == 12)
        #expect(a.total(of: .ipRouteInputSlow) == 2)
        #expect(a.total(of: .fibLookup) == 8)
        #expect(a.total(of: .fibValidateSource) == 0)
        #expect(a.total() == 22)
    }

    @Test func emptyAggregatorAnswersZero() {
        let a = Aggregator(naming: TestNaming())
        #expect(a.total() == 0)
        #expect(a.histogram(of: .arpProcess).isEmpty)
        #expect(a.interfaces().isEmpty)
        #expect(a.rate() == 0)
        #expect(a.history().isEmpty)
        #expect(a.stats() == StreamStats())
    }

    @Test func sameIfindexInTwoNamespacesIsKeptApart() {
        let a = aggregator(twoNamespaces)
        let rows = a.interfaces(of: .arpProcess)
        #expect(rows == [
            InterfaceCount(id: va, name: "va", count: 5),
            InterfaceCount(id: vb, name: "vb", count: 7),
        ])
        #expect(a.name(of: va) == "va")
        #expect(a.name(of: vb) == "vb")
        #expect(a.rows(of: .arpProcess).map(\.interface) == [va, vb])
    }

    @Test func interfacesOfAllFunctionsCountErrors() {
        let a = aggregator(twoNamespaces)
        #expect(a.interfaces() == [
            InterfaceCount(id: va, name: "va", count: 15, errors: 2),  // EXDEV x2; the 2 table misses are no errors
            InterfaceCount(id: vb, name: "vb", count: 7, errors: 0),
        ])
    }

    @Test func histogramBucketsSharesAndErrors() throws {
        let a = aggregator(twoNamespaces)
        let fib = a.histogram(of: .fibLookup)
        #expect(fib.map(\.name) == ["RTN_LOCAL", "EAGAIN"])
        #expect(fib.map(\.count) == [6, 2])
        #expect(fib.map(\.share) == [0.75, 0.25])
        #expect(fib.map(\.isError) == [false, false])  // EAGAIN from a FIB table is a miss, not an error
        #expect(fib[0].routeType == 2 && fib[1].routeType == 0)

        let arp = a.histogram(of: .arpProcess)
        #expect(arp == [ReturnBucket(ret: 0, routeType: 0, name: "0", count: 12, share: 1, function: .arpProcess)])
    }

    @Test func fibSuccessWithoutRouteTypeIsNamedByReturn() {
        // The tracepoint cannot see the route type: success rows carry route type 0.
        let a = aggregator(snapshot(at: 1, [key(.fibLookup, "va"): 4, key(.fibLookup, "va", routeType: 1): 1]))
        #expect(a.histogram(of: .fibLookup).map(\.name) == ["0", "RTN_UNICAST"])
    }

    @Test func histogramSharesSumToOneAndSortByCount() {
        let a = aggregator(snapshot(at: 1, [
            key(.ipRouteInputSlow, "va", ret: -22): 3,
            key(.ipRouteInputSlow, "va", ret: -18): 3,
            key(.ipRouteInputSlow, "va"): 1,
            key(.ipRouteInputSlow, "va", ret: 50): 9,
        ]))
        let h = a.histogram(of: .ipRouteInputSlow)
        // Largest first; equal counts by return value.
        #expect(h.map(\.ret) == [50, -22, -18, 0])
        #expect(abs(h.map(\.share).reduce(0, +) - 1) < 1e-12)
        // A positive return (a 6.13+ drop reason) is an error too.
        #expect(h.map(\.isError) == [true, true, true, false])
        #expect(h[0].name == "IP_RPFILTER")
    }

    @Test func histogramMergesInterfaces() {
        let a = aggregator(snapshot(at: 1, [
            key(.fibValidateSource, "va", ret: -18): 3,
            key(.fibValidateSource, "vb", ifindex: 4, ret: -18): 4,
        ]))
        #expect(a.histogram(of: .fibValidateSource) == [ReturnBucket(ret: -18, routeType: 0, name: "EXDEV", count: 7, share: 1, function: .fibValidateSource)])
    }

    @Test func nameFilterAppliesRetroactively() {
        var a = aggregator(
            snapshot(at: 1, [key(.arpProcess, "va"): 2, key(.arpProcess, "vc", ifindex: 4): 10]),
            snapshot(at: 2, [key(.arpProcess, "va"): 5, key(.arpProcess, "vc", ifindex: 4): 30]))
        a.interfaceFilter = InterfaceFilter(names: ["va"])
        // Counts since start on va, not since the filter was set.
        #expect(a.total(of: .arpProcess) == 5)
        #expect(a.histogram(of: .arpProcess).map(\.count) == [5])
        #expect(a.rows(of: .arpProcess).map(\.ifname) == ["va"])
        #expect(a.rate(of: .arpProcess) == 3)
        #expect(a.interfaces().map(\.name) == ["va"])
        // The picker still sees every interface.
        #expect(a.interfaces(filtered: false).map(\.name) == ["va", "vc"])
        a.interfaceFilter = InterfaceFilter(names: [])
        #expect(a.interfaceFilter == .all)
        #expect(a.total(of: .arpProcess) == 35)
    }

    @Test func nameFilterMatchesEveryNamespaceButIdFilterIsExact() {
        var a = aggregator(twoNamespaces)
        a.interfaceFilter = .names(["va", "vb"])
        #expect(a.total(of: .arpProcess) == 12)
        a.interfaceFilter = .interfaces([vb])
        #expect(a.total(of: .arpProcess) == 7)
        #expect(a.total(of: .fibLookup) == 0)
        a.interfaceFilter = .names(["nope"])
        #expect(a.total() == 0)
        #expect(a.histogram(of: .arpProcess).isEmpty)
    }

    @Test func clearRestartsCountsButKeepsAbsoluteTotals() {
        var a = aggregator(snapshot(at: 1, [key(.arpProcess, "va"): 4, key(.ipRouteInputSlow, "va", ret: -18): 2], stats: stats(submitted: 6, dropped: 1)))
        a.clear()
        #expect(a.clearedAtNs == 1_000_000_000)
        #expect(a.total() == 0)
        #expect(a.histogram(of: .arpProcess).isEmpty)
        #expect(a.total(scope: .sinceAttach) == 6)

        a.ingest(snapshot(at: 2, [
            key(.arpProcess, "va"): 9,
            key(.ipRouteInputSlow, "va", ret: -18): 2,
            key(.ipRouteInputSlow, "va"): 3,  // new since the clear
        ], stats: stats(submitted: 14, dropped: 1, sampled: 2)))
        #expect(a.total(of: .arpProcess) == 5)
        #expect(a.total(of: .ipRouteInputSlow) == 3)
        #expect(a.histogram(of: .ipRouteInputSlow).map(\.name) == ["0"])  // EXDEV did not grow
        #expect(a.total(of: .arpProcess, scope: .sinceAttach) == 9)
        #expect(a.histogram(of: .ipRouteInputSlow, scope: .sinceAttach).map(\.count) == [3, 2])
        #expect(a.stats() == stats(submitted: 8, dropped: 0, sampled: 2))
        #expect(a.stats(scope: .sinceAttach) == stats(submitted: 14, dropped: 1, sampled: 2))
        // Rates are deltas, unaffected by the clear.
        #expect(a.rate(of: .arpProcess) == 5)
    }

    @Test("after a clear no rate is shown beside a zero count until calls arrive")
    func clearRestartsRates() {
        var a = aggregator(snapshot(at: 1, [key(.arpProcess, "va"): 4]))
        a.ingest(snapshot(at: 2, [key(.arpProcess, "va"): 6]))
        #expect(a.rate(of: .arpProcess) == 2)
        #expect(!a.history(of: .arpProcess).isEmpty)
        a.clear()
        #expect(a.total() == 0)
        #expect(a.rate() == 0)
        #expect(a.history().isEmpty)
        a.ingest(snapshot(at: 3, [key(.arpProcess, "va"): 9]))
        #expect(a.total() == 3)
        #expect(a.rate(of: .arpProcess) == 3)
    }

    @Test func clearAndFilterCombine() {
        var a = aggregator(snapshot(at: 1, [key(.arpProcess, "va"): 4, key(.arpProcess, "vc", ifindex: 4): 1]))
        a.clear()
        a.ingest(snapshot(at: 2, [key(.arpProcess, "va"): 6, key(.arpProcess, "vc", ifindex: 4): 8]))
        a.interfaceFilter = .names(["vc"])
        #expect(a.total() == 7)
        #expect(a.total(scope: .sinceAttach) == 8)
    }

    @Test func countersThatGoBackwardsSaturateAtZero() {
        var a = aggregator(snapshot(at: 1, [key(.arpProcess, "va"): 10]))
        a.clear()
        a.ingest(snapshot(at: 2, [key(.arpProcess, "va"): 3]))
        #expect(a.total() == 0)
        #expect(a.rate() == 0)
    }

    @Test func renamedInterfaceTakesItsLatestName() {
        var a = aggregator(snapshot(at: 1, [key(.arpProcess, "eth1"): 5]))
        #expect(a.name(of: va) == "eth1")
        // Renamed: new calls are counted under the new name; the old row stops growing.
        a.ingest(snapshot(at: 2, [key(.arpProcess, "eth1"): 5, key(.arpProcess, "uplink"): 3]))
        #expect(a.name(of: va) == "uplink")
        // Rows of the same interface merge under the latest name.
        let rows = a.rows(of: .arpProcess)
        #expect(rows.count == 1)
        #expect(rows.first?.ifname == "uplink")
        #expect(rows.first?.count == 8)
        #expect(a.interfaces() == [InterfaceCount(id: va, name: "uplink", count: 8)])
        // A filter by name selects the interface (by identity) under either name it had, and
        // covers the calls made under both.
        a.interfaceFilter = .names(["uplink"])
        #expect(a.total() == 8)
        a.interfaceFilter = .names(["eth1"])
        #expect(a.total() == 8)
        a.interfaceFilter = .names(["eth9"])
        #expect(a.total() == 0)
        // Later snapshots in which only the new name grows keep it.
        a.interfaceFilter = .all
        a.ingest(snapshot(at: 3, [key(.arpProcess, "eth1"): 5, key(.arpProcess, "uplink"): 4]))
        #expect(a.name(of: va) == "uplink")
        // Renamed back.
        a.ingest(snapshot(at: 4, [key(.arpProcess, "eth1"): 6, key(.arpProcess, "uplink"): 4]))
        #expect(a.name(of: va) == "eth1")
    }

    @Test(arguments: [["old", "new"], ["new", "old"]])
    func twoNamesInTheFirstSnapshotResolveDeterministically(order: [String]) {
        // Without history there is no telling which is newer: the first by name wins.
        var counts: [CountKey: UInt64] = [:]
        for (i, name) in order.enumerated() { counts[key(.arpProcess, name)] = UInt64(i + 1) }
        #expect(aggregator(snapshot(at: 1, counts)).name(of: va) == "new")
    }

    @Test func unknownNameNeverReplacesAKnownOne() {
        var a = aggregator(snapshot(at: 1, [key(.arpProcess, "va"): 1]))
        a.ingest(snapshot(at: 2, [key(.arpProcess, "va"): 1, key(.arpProcess, ""): 4]))
        #expect(a.name(of: va) == "va")
        let unnamed = aggregator(snapshot(at: 1, [key(.arpProcess, "", ifindex: 0): 1]))
        #expect(unnamed.name(of: InterfaceID(netns: rootNetns, ifindex: 0)) == "")
    }

    @Test func ratesBetweenSnapshots() {
        let a = aggregator(
            snapshot(at: 10, [key(.arpProcess, "va"): 100, key(.fibLookup, "va", routeType: 2): 10]),
            snapshot(at: 12, [key(.arpProcess, "va"): 110, key(.fibLookup, "va", routeType: 2): 11, key(.fibLookup, "va", ret: -11): 3]))
        #expect(a.rate(of: .arpProcess) == 5)
        #expect(a.rate(of: .fibLookup) == 2)
        #expect(a.rate(of: .fibValidateSource) == 0)
        #expect(a.rate() == 7)
    }

    @Test func firstSnapshotHasNoRate() {
        let a = aggregator(snapshot(at: 10, [key(.arpProcess, "va"): 100]))
        #expect(a.rate(of: .arpProcess) == 0)
        #expect(a.history(of: .arpProcess).isEmpty)
    }

    @Test func historyHoldsOneMinuteOfPerSecondRates() throws {
        var a = Aggregator(naming: TestNaming())
        for second in 0...90 {
            a.ingest(snapshot(at: Double(100 + second), [key(.arpProcess, "va"): UInt64(3 * second)]))
        }
        let h = a.history(of: .arpProcess)
        #expect(h.count == 60)
        for v in h { #expect(abs(v - 3) < 1e-9) }
        #expect(a.history(of: .arpProcess, bins: 30).count == 30)
        #expect(a.history(of: .fibLookup).allSatisfy { $0 == 0 })
    }

    @Test func historyGrowsUntilTheWindowFills() {
        var a = Aggregator(naming: TestNaming())
        for second in 0...5 {
            a.ingest(snapshot(at: Double(100 + second), [key(.arpProcess, "va"): UInt64(2 * second)]))
        }
        #expect(a.history(of: .arpProcess) == [2, 2, 2, 2, 2])
    }

    @Test func historySpreadsAnIntervalOverTheBinsItCovers() {
        var a = Aggregator(naming: TestNaming(), historyWindowNs: 4_000_000_000)
        a.ingest(snapshot(at: 100, [key(.arpProcess, "va"): 0]))
        a.ingest(snapshot(at: 102, [key(.arpProcess, "va"): 10]))  // 10 calls over 2 s
        a.ingest(snapshot(at: 104, [key(.arpProcess, "va"): 10]))
        #expect(a.history(of: .arpProcess, bins: 4) == [5, 5, 0, 0])
        #expect(a.history(of: .arpProcess, bins: 2) == [5, 0])
        // Half-second bins: 10 calls over four bins of 0.5 s are 5/s each.
        #expect(a.history(of: .arpProcess, bins: 8) == [5, 5, 5, 5, 0, 0, 0, 0])
    }

    @Test func historyHonoursTheFilterRetroactively() {
        var a = Aggregator(naming: TestNaming())
        for second in 0...3 {
            a.ingest(snapshot(at: Double(second), [
                key(.arpProcess, "va"): UInt64(second), key(.arpProcess, "vc", ifindex: 4): UInt64(4 * second),
            ]))
        }
        #expect(a.history(of: .arpProcess) == [5, 5, 5])
        a.interfaceFilter = .names(["vc"])
        #expect(a.history(of: .arpProcess) == [4, 4, 4])
    }

    @Test func historyForgetsWhatIsOlderThanTheWindow() {
        var a = Aggregator(naming: TestNaming(), historyWindowNs: 10_000_000_000)
        a.ingest(snapshot(at: 0, [key(.arpProcess, "va"): 0]))
        a.ingest(snapshot(at: 1, [key(.arpProcess, "va"): 100]))
        a.ingest(snapshot(at: 30, [key(.arpProcess, "va"): 100]))
        a.ingest(snapshot(at: 31, [key(.arpProcess, "va"): 101]))
        let h = a.history(of: .arpProcess, bins: 10)
        #expect(h.reduce(0, +) == 1)
    }

    @Test func clockGoingBackwardsRestartsTheHistory() {
        var a = aggregator(
            snapshot(at: 50, [key(.arpProcess, "va"): 10]),
            snapshot(at: 51, [key(.arpProcess, "va"): 20]))
        a.ingest(snapshot(at: 5, [key(.arpProcess, "va"): 3]))
        #expect(a.history(of: .arpProcess).isEmpty)
        #expect(a.rate(of: .arpProcess) == 0)
        #expect(a.total(of: .arpProcess) == 3)
    }

    @Test func rowsAreSortedDeterministically() {
        let a = aggregator(snapshot(at: 1, [
            key(.fibLookup, "vz", ifindex: 9, routeType: 2): 1,
            key(.fibLookup, "va", ret: -11): 1,
            key(.fibLookup, "va", routeType: 3): 1,
            key(.fibLookup, "va", routeType: 2): 1,
            key(.fibLookup, "vb", netns: otherNetns): 1,
            key(.fibLookup, "lo", ifindex: 1): 1,
        ]))
        let rows = a.rows(of: .fibLookup)
        #expect(rows.map { "\($0.ifname) \($0.ret) \($0.routeTypeName ?? "-")" } == [
            "lo 0 -", "va -11 -", "va 0 RTN_LOCAL", "va 0 RTN_BROADCAST", "vz 0 RTN_LOCAL", "vb 0 -",
        ])
    }
}

@Suite("What counts as a failure")
struct FailureTests {
    @Test("fib_validate_source succeeds with a positive return; the others fail on any non-zero")
    func failureByFunction() {
        #expect(!KernelFunction.fibValidateSource.isFailure(1))
        #expect(KernelFunction.fibValidateSource.isFailure(-18))
        #expect(!KernelFunction.fibValidateSource.isFailure(0))
        #expect(KernelFunction.arpProcess.isFailure(1))  // NET_RX_DROP
        #expect(KernelFunction.ipRouteInputSlow.isFailure(5))  // a drop reason on 6.13+
        #expect(!KernelFunction.fibLookup.isFailure(-11))  // a table miss: the next table is tried
        #expect(KernelFunction.fibLookup.isTableMiss(-11))
        #expect(!KernelFunction.ipRouteInputSlow.isTableMiss(-11))
        #expect(KernelFunction.fibLookup.isFailure(-22))
        #expect(!KernelFunction.fibLookup.isFailure(0))
    }
}
