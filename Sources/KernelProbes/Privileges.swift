import CLibbpf
import Glibc

/// What arptop keeps of its privileges once every program is attached.
public struct RetainedPrivileges: Sendable, Equatable {
    /// CAP_BPF: kept only where the kernel checks map reads by fd against
    /// `kernel.unprivileged_bpf_disabled` (tried, not assumed).
    public var bpf: Bool
    /// CAP_DAC_OVERRIDE: kept only when an output file's folder is not writable by this uid
    /// through its permission bits (root writing into `/var/lib/prometheus/node-exporter`, owned
    /// by prometheus).
    public var dacOverride: Bool
}

extension ProbeSession {
    static let capDACOverride: UInt64 = 1 << 1
    static let capBPF: UInt64 = 1 << 39

    /// Drops every capability the session no longer needs and sets no_new_privs: once the
    /// programs are attached, reading their maps and ring buffer needs at most CAP_BPF.
    /// Tries a map read without CAP_BPF in effect first; keeps CAP_BPF only if the kernel
    /// refuses it. A process without capabilities (not root) is left as it is.
    /// - Parameter outputFolders: folders arptop will still create files in.
    /// - Returns: what was kept.
    /// - Throws: `ProbeError` when the kernel refuses the change.
    /// - Wraps `prctl(PR_SET_NO_NEW_PRIVS)`, `prctl(PR_CAPBSET_DROP)` and `capset(2)`.
    public func dropPrivileges(outputFolders: [String]) throws -> RetainedPrivileges {
        let dac = outputFolders.contains { !Self.writableWithoutOverride($0) }
        let bpfAndDAC = Self.capBPF | (dac ? Self.capDACOverride : 0)
        var rc = clibbpf_restrict_process(bpfAndDAC)
        if rc != 0 {
            throw ProbeError(call: "prctl/capset", errno: rc, "cannot drop privileges after attach")
        }
        // CAP_BPF out of the effective set (still permitted): does a map read still work?
        rc = clibbpf_set_capabilities(bpfAndDAC & ~Self.capBPF, bpfAndDAC)
        if rc != 0 { throw ProbeError(call: "capset", errno: rc, "cannot lower CAP_BPF after attach") }
        let readsWithoutBPF = (try? readAggregates()) != nil
        let keep = readsWithoutBPF ? bpfAndDAC & ~Self.capBPF : bpfAndDAC
        rc = clibbpf_set_capabilities(keep, keep)
        if rc != 0 { throw ProbeError(call: "capset", errno: rc, "cannot drop privileges after attach") }
        return RetainedPrivileges(bpf: !readsWithoutBPF, dacOverride: dac)
    }

    /// Whether this uid may create files in `folder` by its permission bits alone.
    static func writableWithoutOverride(_ folder: String) -> Bool {
        var st = stat()
        guard stat(folder, &st) == 0 else { return true }  // missing: the write reports it
        let mode = st.st_mode
        if st.st_uid == geteuid() { return mode & S_IWUSR != 0 && mode & S_IXUSR != 0 }
        if st.st_gid == getegid() { return mode & S_IWGRP != 0 && mode & S_IXGRP != 0 }
        return mode & S_IWOTH != 0 && mode & S_IXOTH != 0
    }
}
