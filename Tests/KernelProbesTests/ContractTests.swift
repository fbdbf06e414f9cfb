import ArptopABI
import ArptopCore
import Foundation
import Testing
@testable import KernelProbes

/// The kernel/user contract of arptop_abi.h seen from Swift: a layout or enum change there
/// fails here instead of producing wrong numbers.
@Suite("arptop_abi.h from Swift")
struct ContractTests {
    @Test("KernelFunction mirrors enum arptop_function")
    func functionEnumMirror() {
        #expect(KernelFunction.arpProcess.rawValue == Int(ARPTOP_FN_ARP_PROCESS.rawValue))
        #expect(KernelFunction.ipRouteInputSlow.rawValue == Int(ARPTOP_FN_IP_ROUTE_INPUT_SLOW.rawValue))
        #expect(KernelFunction.fibLookup.rawValue == Int(ARPTOP_FN_FIB_LOOKUP.rawValue))
        #expect(KernelFunction.fibValidateSource.rawValue == Int(ARPTOP_FN_FIB_VALIDATE_SOURCE.rawValue))
        #expect(KernelFunction.allCases.count == Int(ARPTOP_FN_COUNT.rawValue))
    }

    @Test("record sizes as the header's static assertions state them")
    func layouts() {
        #expect(MemoryLayout<arptop_event>.size == 160)
        #expect(MemoryLayout<arptop_event>.offset(of: \arptop_event.verdict) == 100)
        #expect(MemoryLayout<arptop_event>.offset(of: \arptop_event.settings) == 148)
        #expect(MemoryLayout<arptop_arp_settings>.size == 12)
        #expect(MemoryLayout<arptop_count_key>.offset(of: \arptop_count_key.verdict) == 40)
        #expect(MemoryLayout<arptop_event>.offset(of: \arptop_event.ifname) == 48)
        #expect(MemoryLayout<arptop_event>.offset(of: \arptop_event.arp_op) == 64)
        #expect(MemoryLayout<arptop_event>.offset(of: \arptop_event.daddr) == 84)
        #expect(MemoryLayout<arptop_count_key>.size == 48)
        #expect(MemoryLayout<arptop_count_key>.offset(of: \arptop_count_key.table_id) == 20)
        #expect(ARPTOP_ABI_VERSION == 4)
        #expect(MemoryLayout<arptop_ifname_match>.size == 32)
    }

    @Test("a hand-built arptop_event decodes field by field")
    func decodeEvent() throws {
        var e = arptop_event()
        e.timestamp_ns = 123_456_789
        e.duration_ns = 42
        e.function = ARPTOP_FN_ARP_PROCESS.rawValue
        e.cpu = 1
        e.netns = 4_026_531_840
        e.ifindex = 3
        e.ret = -18
        e.flags = UInt32(ARPTOP_EVF_NO_ADDR)
        withUnsafeMutableBytes(of: &e.ifname) { raw in
            for (i, b) in "eth3".utf8.enumerated() { raw[i] = b }
        }
        e.arp_op = UInt16(ARPTOP_ARPOP_REQUEST)
        e.sender_mac = (0x02, 0x00, 0x00, 0x00, 0x00, 0x07)
        e.sender_ip = UInt32(bigEndian: 0x0A4D_0002)  // 10.77.0.2 in network order
        e.target_ip = UInt32(bigEndian: 0x0A4D_0001)
        e.settings.rp_filter = 2
        e.settings.arp_ignore = 1
        e.verdict = ARPTOP_VERDICT_RP_FILTER.rawValue
        e.reason = -18
        e.facts = UInt32(ARPTOP_FACT_ROUTE_INPUT | ARPTOP_FACT_REVERSE_ROUTE)
        e.route_ret = -18
        e.reverse_ifindex = 4
        e.forward_ifindex = 7
        withUnsafeMutableBytes(of: &e.reverse_ifname) { raw in
            for (i, b) in "eth4".utf8.enumerated() { raw[i] = b }
        }
        let event = try #require(ProbeEvent(e))
        let packet = try #require(event.packet)
        #expect(packet.verdict == .rpFilter && packet.reason == -18)
        #expect(packet.facts == [.routeInput, .reverseRoute] && packet.routeReturn == -18)
        #expect(packet.reverseIfindex == 4 && packet.reverseIfname == "eth4" && packet.forwardIfindex == 7)
        #expect(packet.settings.rpFilter == 2 && packet.settings.arpIgnore == 1 && packet.settings.arpFilter == 0)
        #expect(event.timestampNs == 123_456_789)
        #expect(event.durationNs == 42)
        #expect(event.function == .arpProcess)
        #expect(event.cpu == 1)
        #expect(event.interface == InterfaceID(netns: 4_026_531_840, ifindex: 3))
        #expect(event.ifname == "eth3")
        #expect(event.ret == -18)
        #expect(event.noAddr && !event.noInDevice && !event.missingEntry && !event.hasRouteType)
        #expect(event.arpOp == 1)
        #expect(event.senderMAC == [2, 0, 0, 0, 0, 7])
        #expect(event.senderIP.description == "10.77.0.2")
        #expect(event.targetIP.description == "10.77.0.1")
        #expect(event.rpFilter == 2)
    }

    @Test("ArpVerdict and ArpDropReason mirror enum arptop_verdict and enum arptop_drop")
    func verdictEnumMirror() {
        let c: [(ArpVerdict, arptop_verdict)] = [
            (.unknown, ARPTOP_VERDICT_UNKNOWN), (.replied, ARPTOP_VERDICT_REPLIED),
            (.proxyReplied, ARPTOP_VERDICT_PROXY_REPLIED), (.proxyQueued, ARPTOP_VERDICT_PROXY_QUEUED),
            (.ignoredArpIgnore, ARPTOP_VERDICT_IGNORED_ARP_IGNORE), (.ignoredArpFilter, ARPTOP_VERDICT_IGNORED_ARP_FILTER),
            (.notLocal, ARPTOP_VERDICT_NOT_LOCAL), (.rpFilter, ARPTOP_VERDICT_RP_FILTER),
            (.routeError, ARPTOP_VERDICT_ROUTE_ERROR), (.noNeighbour, ARPTOP_VERDICT_NO_NEIGHBOUR),
            (.dropped, ARPTOP_VERDICT_DROPPED), (.replyAccepted, ARPTOP_VERDICT_REPLY_ACCEPTED),
            (.replyIgnored, ARPTOP_VERDICT_REPLY_IGNORED), (.dadReplied, ARPTOP_VERDICT_DAD_REPLIED),
            (.dadIgnored, ARPTOP_VERDICT_DAD_IGNORED), (.garpAccepted, ARPTOP_VERDICT_GARP_ACCEPTED),
            (.garpIgnored, ARPTOP_VERDICT_GARP_IGNORED),
        ]
        for (swift, kernel) in c { #expect(swift.code == kernel.rawValue, "\(swift)") }
        #expect(ArpVerdict.allCases.count == Int(ARPTOP_VERDICT_COUNT.rawValue))
        #expect(ArpVerdict(code: ARPTOP_VERDICT_COUNT.rawValue) == .unknown)
        let d: [(ArpDropReason, arptop_drop)] = [
            (.other, ARPTOP_DROP_OTHER), (.noInDevice, ARPTOP_DROP_NO_INDEV), (.malformed, ARPTOP_DROP_MALFORMED),
            (.badOp, ARPTOP_DROP_BAD_OP), (.multicastTarget, ARPTOP_DROP_MULTICAST),
            (.loopbackTarget, ARPTOP_DROP_LOOPBACK), (.gratuitous, ARPTOP_DROP_GRATUITOUS),
        ]
        for (swift, kernel) in d { #expect(UInt32(swift.rawValue) == kernel.rawValue, "\(swift)") }
        #expect(ArpDropReason.allCases.count == Int(ARPTOP_DROP_COUNT.rawValue))
        let facts: [(PacketFacts, UInt32)] = [
            (.routeInput, UInt32(ARPTOP_FACT_ROUTE_INPUT)), (.validate, UInt32(ARPTOP_FACT_VALIDATE)),
            (.forwardRoute, UInt32(ARPTOP_FACT_FORWARD_ROUTE)), (.reverseRoute, UInt32(ARPTOP_FACT_REVERSE_ROUTE)),
            (.filterRoute, UInt32(ARPTOP_FACT_FILTER_ROUTE)), (.confirm, UInt32(ARPTOP_FACT_CONFIRM)),
            (.confirmed, UInt32(ARPTOP_FACT_CONFIRMED)), (.xmit, UInt32(ARPTOP_FACT_XMIT)),
            (.enqueued, UInt32(ARPTOP_FACT_ENQUEUED)), (.neighUpdate, UInt32(ARPTOP_FACT_NEIGH_UPDATE)),
            (.malformed, UInt32(ARPTOP_FACT_MALFORMED)),
        ]
        for (swift, kernel) in facts { #expect(swift.rawValue == kernel) }
    }

    @Test("an arp_process count-map row gives its verdict row")
    func decodeVerdictKey() {
        var k = arptop_count_key()
        k.function = ARPTOP_FN_ARP_PROCESS.rawValue
        k.netns = 9
        k.ifindex = 3
        k.verdict = ARPTOP_VERDICT_DROPPED.rawValue
        k.reason = Int32(ARPTOP_DROP_GRATUITOUS.rawValue)
        let key = VerdictKey(k)
        #expect(key.verdict == .dropped && key.reason == ArpDropReason.gratuitous.rawValue)
        #expect(key.interface == InterfaceID(netns: 9, ifindex: 3))
    }

    @Test("an event of a function this build does not know is refused")
    func unknownFunction() {
        var e = arptop_event()
        e.function = ARPTOP_FN_COUNT.rawValue
        #expect(ProbeEvent(e) == nil)
    }

    @Test("a count-map key decodes with its FIB table")
    func decodeCountKey() throws {
        var k = arptop_count_key()
        k.function = ARPTOP_FN_FIB_LOOKUP.rawValue
        k.netns = 7
        k.ifindex = 2
        k.ret = -11
        k.route_type = 0
        k.table_id = 255
        let key = try #require(CountKey(k))
        #expect(key.function == .fibLookup && key.tableID == 255 && key.ret == -11)
        #expect(key.interface == InterfaceID(netns: 7, ifindex: 2))
        #expect(key.ifname.isEmpty)
    }
}
