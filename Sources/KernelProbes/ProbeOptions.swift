import ArptopCore

/// How a `ProbeSession` loads and attaches its BPF programs.
public struct ProbeOptions: Sendable {
    /// The running kernel's BTF: needed for CO-RE relocations, attach planning and return-value names.
    public var btfPath: String = "/sys/kernel/btf/vmlinux"
    /// Events per second and CPU put into the ring buffer; 0 = unlimited. Counts are never limited.
    public var logRatePerCPU: UInt64 = 0
    /// `-i`: log only calls on interfaces with these names (in any network namespace, as
    /// `InterfaceFilter.names` matches); only they spend the `logRatePerCPU` budget, so a flood
    /// on another interface cannot starve their log. Empty: every interface. Counts are kept
    /// for every interface either way. More than `ARPTOP_LOG_IFNAMES_MAX` (16) names: every
    /// interface is logged, as when empty.
    public var logInterfaces: Set<String> = []
    /// Size of the event ring buffer in bytes (rounded up to a power of two of at least one page).
    public var ringBufferBytes: UInt32 = 4 << 20
    /// Behave as if the kernel lacked these functions (tests).
    public var forceUnavailable: Set<KernelFunction> = []
    /// Do not try these attach mechanisms (tests, benchmarks: e.g. skip fentry to measure kprobes).
    public var disabledMechanisms: Set<AttachMechanism> = []

    public init() {}
}

/// A failure to load, attach or read the probes: one line that says what failed and what to do.
///
/// A failed C call carries the call and its errno and renders one way,
/// `CALL failed: ENAME (libbpf's detail): what it means`, as swift-system's `Errno` renders
/// errno values one way; other failures are a plain message.
public struct ProbeError: Error, CustomStringConvertible {
    /// The call that failed, as written in the message: `bpf_map_lookup_elem(counts)`; nil
    /// when the failure is no call's (missing privileges, no BTF).
    public let call: String?
    /// The errno the call returned or set (positive); nil with `call` nil, or when the call
    /// gave a reason of its own instead (`why`).
    public let errno: Int32?
    /// The message: `CALL failed: ENAME (detail): consequence`, or the plain message.
    public let message: String
    public var description: String { message }

    /// A failure that is no single call's.
    public init(_ message: String) {
        call = nil
        errno = nil
        self.message = message
    }

    /// `call` failed with `errno` (either sign): `call failed: ENAME (detail): consequence`.
    /// - Parameters:
    ///   - why: said in place of the errno's name when the errno alone would mislead
    ///     (libbpf's own codes); the errno is kept in `errno`.
    ///   - detail: libbpf's own explanation, in parentheses after the errno, when it gave one.
    ///   - consequence: what it means for the operator, and what to do.
    public init(call: String, errno: Int32, why: String? = nil, detail: String? = nil, _ consequence: String) {
        self.call = call
        self.errno = errno < 0 ? -errno : errno
        message = "\(call) failed: \(why ?? errnoName(errno))\(detail.map { " (\($0))" } ?? ""): \(consequence)"
    }
}
