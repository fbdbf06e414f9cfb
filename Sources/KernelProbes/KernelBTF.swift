import CLibbpf
import Glibc

/// A parsed BTF file (the running kernel's type information), queried by name.
/// Wraps libbpf's `struct btf`.
final class KernelBTF {
    let handle: OpaquePointer

    /// Parse a BTF file. - Throws: `ProbeError`. - Wraps `btf__parse`.
    init(path: String) throws {
        guard let btf = btf__parse(path, nil) else {
            let err = currentErrno
            // libbpf's own codes (4000+, e.g. LIBBPF_ERRNO__FORMAT) mean the file is not BTF.
            throw ProbeError(call: "btf__parse(\(path))", errno: err, why: err >= 4000 ? "not a BTF file" : nil,
                             "arptop needs the kernel's BTF (CONFIG_DEBUG_INFO_BTF=y)")
        }
        handle = btf
    }

    deinit { btf__free(handle) }

    private func type(_ id: UInt32) -> UnsafePointer<btf_type>? {
        btf__type_by_id(handle, id)
    }

    private func name(of t: UnsafePointer<btf_type>) -> String {
        guard let p = btf__name_by_offset(handle, t.pointee.name_off) else { return "" }
        return String(cString: p)
    }

    /// The type id of the FUNC named `name`, if the kernel has one.
    func functionID(_ name: String) -> UInt32? {
        let id = clibbpf_btf_find_func(handle, name)
        return id > 0 ? UInt32(id) : nil
    }

    /// Whether some struct (anonymous ones included) has members named `a` and `b`.
    func structExists(withMembers a: String, _ b: String) -> Bool {
        clibbpf_btf_has_struct_with_members(handle, a, b) == 1
    }

    /// The FUNC_PROTO of a FUNC.
    private func proto(ofFunction id: UInt32) -> UnsafePointer<btf_type>? {
        guard let f = type(id), btf_is_func(f), let p = type(f.pointee.type), btf_is_func_proto(p) else { return nil }
        return p
    }

    /// Number of parameters of a FUNC.
    func parameterCount(ofFunction id: UInt32) -> Int {
        guard let p = proto(ofFunction: id) else { return 0 }
        return Int(btf_vlen(p))
    }

    /// The struct name behind parameter `index` when it is a pointer to a struct (e.g. "net").
    func pointeeStructName(ofFunction id: UInt32, parameter index: Int) -> String? {
        guard let p = proto(ofFunction: id), index < Int(btf_vlen(p)) else { return nil }
        let params = UnsafeRawPointer(p.advanced(by: 1)).assumingMemoryBound(to: btf_param.self)
        let resolved = btf__resolve_type(handle, params[index].type)
        guard resolved > 0, let ptr = type(UInt32(resolved)), btf_is_ptr(ptr) else { return nil }
        let target = btf__resolve_type(handle, ptr.pointee.type)
        guard target > 0, let s = type(UInt32(target)), btf_is_struct(s) else { return nil }
        return name(of: s)
    }

    /// Values of the enum a FUNC returns, or nil when it returns something else (int).
    func returnEnum(ofFunction id: UInt32) -> [UInt32: String]? {
        guard let p = proto(ofFunction: id), p.pointee.type != 0 else { return nil }
        let resolved = btf__resolve_type(handle, p.pointee.type)
        guard resolved > 0, let t = type(UInt32(resolved)) else { return nil }
        return enumValues(t)
    }

    /// Values of the first enum (named or not) that has an enumerator called `member`.
    func enumContaining(_ member: String) -> [UInt32: String]? {
        let count = btf__type_cnt(handle)
        var id: UInt32 = 1
        while id < count {
            defer { id += 1 }
            guard let t = type(id), let values = enumValues(t) else { continue }
            if values.values.contains(member) { return values }
        }
        return nil
    }

    /// value (low 32 bits) -> name for an ENUM or ENUM64 type; nil for other kinds.
    private func enumValues(_ t: UnsafePointer<btf_type>) -> [UInt32: String]? {
        let n = Int(btf_vlen(t))
        var values: [UInt32: String] = [:]
        if btf_is_enum(t) {
            let e = UnsafeRawPointer(t.advanced(by: 1)).assumingMemoryBound(to: btf_enum.self)
            for i in 0..<n {
                guard let p = btf__name_by_offset(handle, e[i].name_off) else { continue }
                let v = UInt32(bitPattern: e[i].val)
                if values[v] == nil { values[v] = String(cString: p) }  // aliases: first name wins
            }
            return values
        }
        if btf_is_enum64(t) {
            let e = UnsafeRawPointer(t.advanced(by: 1)).assumingMemoryBound(to: btf_enum64.self)
            for i in 0..<n {
                guard let p = btf__name_by_offset(handle, e[i].name_off) else { continue }
                if values[e[i].val_lo32] == nil { values[e[i].val_lo32] = String(cString: p) }
            }
            return values
        }
        return nil
    }
}
