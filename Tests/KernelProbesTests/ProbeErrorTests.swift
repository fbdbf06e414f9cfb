import Glibc
import Testing
@testable import KernelProbes

/// One error type for the loader's failed calls: it keeps the call and the errno, and renders
/// them one way, on one line.
@Suite("ProbeError")
struct ProbeErrorTests {
    @Test("a failed call renders as `CALL failed: ENAME: consequence`, whatever the errno's sign")
    func callAndErrno() {
        for code in [ENOENT, -ENOENT] {
            let e = ProbeError(call: "bpf_map_lookup_elem(counts)", errno: code, "cannot read the kernel counts")
            #expect(e.description == "bpf_map_lookup_elem(counts) failed: ENOENT: cannot read the kernel counts")
            #expect(e.call == "bpf_map_lookup_elem(counts)")
            #expect(e.errno == ENOENT)
        }
    }

    @Test("libbpf's detail goes in parentheses; a reason of its own replaces the errno's name, which is kept")
    func detailAndWhy() {
        let load = ProbeError(call: "bpf_object__load", errno: -EINVAL, detail: "prog 'x': BPF_STX uses reserved fields", "see the log")
        #expect(load.description == "bpf_object__load failed: EINVAL (prog 'x': BPF_STX uses reserved fields): see the log")
        let btf = ProbeError(call: "btf__parse(/x)", errno: 4003, why: "not a BTF file", "arptop needs the kernel's BTF")
        #expect(btf.description == "btf__parse(/x) failed: not a BTF file: arptop needs the kernel's BTF")
        #expect(btf.errno == 4003)
        #expect(ProbeError(call: "bpf_object__load", errno: 524, "x").description == "bpf_object__load failed: ENOTSUPP: x")
        #expect(!load.description.contains("\n"))
    }

    @Test("a failure that is no call's is its message alone")
    func plain() {
        let e = ProbeError("arptop needs root")
        #expect(e.description == "arptop needs root")
        #expect(e.call == nil && e.errno == nil)
    }
}
