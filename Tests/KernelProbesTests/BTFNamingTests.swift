import ArptopCore
import Foundation
import Testing
@testable import KernelProbes

/// BTFNaming on this machine's own kernel BTF (readable without root): the names follow what
/// the BTF says the kernel returns, and one behaviour has one name whatever the kernel returns.
@Suite("return names from this kernel's BTF",
       .enabled(if: FileManager.default.isReadableFile(atPath: "/sys/kernel/btf/vmlinux")
                || ProcessInfo.processInfo.environment["CI"] == "true", "needs /sys/kernel/btf/vmlinux"))
struct BTFNamingTests {
    static func load() throws -> (KernelBTF, BTFNaming) {
        let btf = try KernelBTF(path: "/sys/kernel/btf/vmlinux")
        return (btf, BTFNaming(btf: btf))
    }

    @Test("success is 0 for every function; a FIB table miss is `miss`; route types are RTN_*")
    func commonNames() throws {
        let (_, naming) = try Self.load()
        for f in KernelFunction.allCases { #expect(naming.returnName(0, of: f) == "0") }
        #expect(naming.returnName(-11, of: .fibLookup) == "miss")
        #expect(naming.returnName(1, of: .fibValidateSource) == "1")
        #expect(naming.routeTypeName(2) == "RTN_LOCAL")
        #expect(naming.routeTypeName(1) == "RTN_UNICAST")
    }

    @Test("the rp_filter reject is IP_RPFILTER in both functions, in the form this kernel returns it")
    func rpFilterReject() throws {
        let (btf, naming) = try Self.load()
        let reasons = btf.enumContaining("SKB_DROP_REASON_NOT_SPECIFIED") ?? [:]
        let routeInputReturnsReasons = btf.functionID("ip_route_input_slow").flatMap { btf.returnEnum(ofFunction: $0) } != nil
        #expect(naming.validateSourceReturnsDropReasons == routeInputReturnsReasons)
        if routeInputReturnsReasons {
            let value = try #require(reasons.first { $0.value == "SKB_DROP_REASON_IP_RPFILTER" }?.key)
            #expect(naming.returnName(-Int32(value), of: .fibValidateSource) == "IP_RPFILTER")
            #expect(naming.returnName(Int32(value), of: .ipRouteInputSlow) == "IP_RPFILTER")
            // An errno from fib_validate_source is no longer possible there; -EXDEV would be
            // read as a drop reason, never as EXDEV.
            #expect(naming.returnName(-18, of: .fibValidateSource) != "EXDEV")
        } else {
            #expect(naming.returnName(-18, of: .fibValidateSource) == "IP_RPFILTER")
            #expect(naming.returnName(-18, of: .ipRouteInputSlow) == "IP_RPFILTER")
            #expect(naming.returnName(-22, of: .fibValidateSource) == "EINVAL")
        }
        // EXDEV elsewhere keeps its errno name.
        #expect(naming.returnName(-18, of: .arpProcess) == "EXDEV")
    }
}
