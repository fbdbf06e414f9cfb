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
        #expect(MemoryLayout<arptop_event>.size == 104)
        #expect(MemoryLayout<arptop_event>.offset(of: \arptop_event.ifname) == 48)
        #expect(MemoryLayout<arptop_event>.offset(of: \arptop_event.arp_op) == 64)
        #expect(MemoryLayout<arptop_event>.offset(of: \arptop_event.daddr) == 84)
        #expect(MemoryLayout<arptop_count_key>.size == 40)
        #expect(MemoryLayout<arptop_count_key>.offset(of: \arptop_count_key.table_id) == 20)
        #expect(ARPTOP_ABI_VERSION == 2)
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
        e.rp_filter = 2
        let event = try #require(ProbeEvent(e))
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
