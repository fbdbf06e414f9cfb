import ArptopCore

/// How a `ProbeSession` loads and attaches its BPF programs.
public struct ProbeOptions: Sendable {
    /// The running kernel's BTF: needed for CO-RE relocations, attach planning and return-value names.
    public var btfPath: String = "/sys/kernel/btf/vmlinux"
    /// Events per second and CPU put into the ring buffer; 0 = unlimited. Counts are never limited.
    public var logRatePerCPU: UInt64 = 0
    /// Size of the event ring buffer in bytes (rounded up to a power of two of at least one page).
    public var ringBufferBytes: UInt32 = 4 << 20
    /// Behave as if the kernel lacked these functions (tests).
    public var forceUnavailable: Set<KernelFunction> = []
    /// Do not try these attach mechanisms (tests, benchmarks: e.g. skip fentry to measure kprobes).
    public var disabledMechanisms: Set<AttachMechanism> = []

    public init() {}
}

/// A failure to load or attach the probes. `description` is one line that names the
/// failing call and errno and says what to do.
public struct ProbeError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }

    public init(_ message: String) {
        self.message = message
    }
}
