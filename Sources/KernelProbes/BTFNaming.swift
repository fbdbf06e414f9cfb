import ArptopCore
import CLibbpf
import FoundationEssentials
import Glibc

/// Names return values and route types from the running kernel's BTF, with no hand-kept
/// tables of kernel enums, so that one kernel behaviour has one name on every kernel:
///
/// - 0 is "0" for every function (not `SKB_NOT_DROPPED_YET` where the return is an enum).
/// - A function whose BTF return type is an enum (`enum skb_drop_reason` for
///   ip_route_input_slow on 6.13+) has its values named from that enum, with the
///   `SKB_DROP_REASON_` prefix stripped ("IP_RPFILTER").
/// - fib_validate_source returns an `int` on every kernel, but from 6.13 its negative
///   values are negated drop reasons (-SKB_DROP_REASON_IP_RPFILTER) instead of errnos.
///   That kernel is recognised by its route input functions returning `enum
///   skb_drop_reason` in BTF (the same change made both); its negative returns are then
///   named from that enum.
/// - An `int` return is an errno name for negative values ("EINVAL"), or decimal. The
///   rp_filter reject is -EXDEV from fib_validate_source and ip_route_input_slow on
///   kernels before 6.13, where 6.13+ returns IP_RPFILTER for exactly that check: both are
///   named "IP_RPFILTER", so a dashboard keeps its series across a kernel upgrade (the raw
///   value stays in the records' `return`).
/// - fib_lookup's -EAGAIN is "miss": the table had no match (not an error).
/// - Route types come from the enum that holds `RTN_LOCAL` ("RTN_LOCAL", "RTN_UNICAST"...).
///
/// Everything is read once at init; lookups are dictionary hits.
public struct BTFNaming: ReturnValueNaming {
    /// Per function (indexed by `KernelFunction.rawValue`), when its return type is an enum:
    /// value (32-bit pattern) -> name. An array, so a lookup per logged event hashes once.
    let returnEnums: [[UInt32: String]?]
    /// `enum skb_drop_reason`, prefix stripped; empty on kernels without it.
    let dropReasons: [UInt32: String]
    /// fib_validate_source's negative returns are negated drop reasons (6.13+).
    public let validateSourceReturnsDropReasons: Bool
    let routeTypes: [UInt32: String]
    let errnoNames: [Int32: String]

    /// Read the names from a BTF file (normally `/sys/kernel/btf/vmlinux`).
    /// - Throws: `ProbeError` when the file is missing or not BTF.
    /// - Wraps `btf__parse`.
    public init(btfPath: String) throws {
        guard FileManager.default.fileExists(atPath: btfPath) else {
            throw ProbeError("kernel BTF not found at \(btfPath): arptop needs CONFIG_DEBUG_INFO_BTF=y")
        }
        let btf = try KernelBTF(path: btfPath)
        self.init(btf: btf)
    }

    static let dropReasonPrefix = "SKB_DROP_REASON_"

    static func stripped(_ values: [UInt32: String]) -> [UInt32: String] {
        values.mapValues { name in
            name.hasPrefix(dropReasonPrefix) ? String(name.dropFirst(dropReasonPrefix.count)) : name
        }
    }

    init(btf: KernelBTF) {
        var enums: [[UInt32: String]?] = Array(repeating: nil, count: KernelFunction.allCases.count)
        for function in KernelFunction.allCases {
            for symbol in BTFNaming.symbols(of: function) {
                guard let id = btf.functionID(symbol) else { continue }
                if let values = btf.returnEnum(ofFunction: id) {
                    enums[Int(function.rawValue)] = Self.stripped(values)
                }
                break
            }
        }
        returnEnums = enums
        dropReasons = Self.stripped(btf.enumContaining("SKB_DROP_REASON_NOT_SPECIFIED") ?? [:])
        // The 6.13 change that made fib_validate_source return negated drop reasons made its
        // callers, the route input functions, return `enum skb_drop_reason`.
        validateSourceReturnsDropReasons = ["ip_route_input_slow", "ip_route_input_noref", "ip_route_input_rcu", "ip_mc_validate_source"]
            .contains { symbol in
                guard let id = btf.functionID(symbol), let values = btf.returnEnum(ofFunction: id) else { return false }
                return values.values.contains("SKB_DROP_REASON_NOT_SPECIFIED")
            }
        routeTypes = (btf.enumContaining("RTN_LOCAL") ?? [:]).filter { $0.value.hasPrefix("RTN_") && !$0.value.hasPrefix("__") }
        var names: [Int32: String] = [:]
        for code in Int32(1)...Int32(133) {
            if let name = clibbpf_errno_name(code) { names[code] = String(cString: name) }
        }
        names[524] = "ENOTSUPP"
        errnoNames = names
    }

    /// The kernel symbols a pane's function may be found under, preferred first.
    static func symbols(of function: KernelFunction) -> [String] {
        function == .fibLookup ? ["fib_lookup", "fib_table_lookup"] : [function.name]
    }

    public func returnName(_ ret: Int32, of function: KernelFunction) -> String {
        if ret == 0 { return "0" }
        if function.isTableMiss(ret) { return "miss" }
        if let values = returnEnums[Int(function.rawValue)] {
            return values[UInt32(bitPattern: ret)] ?? String(ret)
        }
        if function == .fibValidateSource, validateSourceReturnsDropReasons, ret < 0, ret != Int32.min {
            return dropReasons[UInt32(-ret)] ?? String(ret)
        }
        if ret < 0, ret != Int32.min, let name = errnoNames[-ret] {
            if name == "EXDEV" && (function == .fibValidateSource || function == .ipRouteInputSlow) {
                return "IP_RPFILTER"
            }
            return name
        }
        return String(ret)
    }

    /// ip_route_input_slow's return for a reverse-path (rp_filter) reject on this kernel:
    /// -EXDEV, or from 6.13 the value of SKB_DROP_REASON_IP_RPFILTER.
    public var routeInputRPFilterReturn: Int32 {
        if validateSourceReturnsDropReasons,
           let value = dropReasons.first(where: { $0.value == "IP_RPFILTER" })?.key {
            return Int32(bitPattern: value)
        }
        return -18  // -EXDEV
    }

    public func routeTypeName(_ routeType: UInt32) -> String {
        routeTypes[routeType] ?? String(routeType)
    }
}
