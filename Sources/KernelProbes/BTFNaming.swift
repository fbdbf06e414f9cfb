import ArptopCore
import CLibbpf
import Foundation

/// Names return values and route types from the running kernel's BTF, with no hand-kept
/// tables of kernel enums.
///
/// - A function whose BTF return type is an enum (`enum skb_drop_reason` for
///   ip_route_input_slow on 6.13+) has its values named from that enum, with the
///   `SKB_DROP_REASON_` prefix stripped.
/// - An `int` return is "0", an errno name for negative values ("EXDEV"), or decimal.
/// - Route types come from the enum that holds `RTN_LOCAL` ("RTN_LOCAL", "RTN_UNICAST"...).
///
/// Everything is read once at init; lookups are dictionary hits.
public struct BTFNaming: ReturnValueNaming {
    /// Per function whose return type is an enum: value (32-bit pattern) -> name.
    let returnEnums: [KernelFunction: [UInt32: String]]
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

    init(btf: KernelBTF) {
        var enums: [KernelFunction: [UInt32: String]] = [:]
        for function in KernelFunction.allCases {
            for symbol in BTFNaming.symbols(of: function) {
                guard let id = btf.functionID(symbol) else { continue }
                if let values = btf.returnEnum(ofFunction: id) {
                    enums[function] = values.mapValues { name in
                        name.hasPrefix("SKB_DROP_REASON_") ? String(name.dropFirst("SKB_DROP_REASON_".count)) : name
                    }
                }
                break
            }
        }
        returnEnums = enums
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
        if let values = returnEnums[function] {
            return values[UInt32(bitPattern: ret)] ?? String(ret)
        }
        if ret < 0, ret != Int32.min, let name = errnoNames[-ret] { return name }
        return String(ret)
    }

    public func routeTypeName(_ routeType: UInt32) -> String {
        routeTypes[routeType] ?? String(routeType)
    }
}
