/// Names for return values and route types that do not need the running kernel: Linux errno
/// names and the RTN_* route types (both fixed UAPI), plus the naming a recording carries.

/// Fixed Linux names: errno values and `RTN_*` route types.
public enum LinuxNames {
    /// The errno name of a positive errno value ("EXDEV" for 18), or nil when unknown.
    public static func errnoName(_ errno: Int32) -> String? { errnoNames[errno] }

    /// The `RTN_*` name of a route type ("RTN_LOCAL" for 2), or nil when unknown.
    public static func routeTypeName(_ routeType: UInt32) -> String? {
        routeType < UInt32(routeTypeNames.count) ? routeTypeNames[Int(routeType)] : nil
    }

    /// The route type a name stands for: an `RTN_*` name, `RTN_<n>` or a decimal number.
    public static func routeType(named name: String) -> UInt32? {
        if let index = routeTypeNames.firstIndex(of: name) { return UInt32(index) }
        if name.hasPrefix("RTN_"), let value = UInt32(name.dropFirst(4)) { return value }
        return UInt32(name)
    }

    /// `RTN_*` from `include/uapi/linux/rtnetlink.h`, indexed by value.
    static let routeTypeNames = [
        "RTN_UNSPEC", "RTN_UNICAST", "RTN_LOCAL", "RTN_BROADCAST", "RTN_ANYCAST", "RTN_MULTICAST",
        "RTN_BLACKHOLE", "RTN_UNREACHABLE", "RTN_PROHIBIT", "RTN_THROW", "RTN_NAT", "RTN_XRESOLVE",
    ]

    /// `include/uapi/asm-generic/errno*.h` plus the kernel-internal values of `include/linux/errno.h`
    /// (such as ENOTSUPP, 524) that in-kernel functions return. Aliases use the primary name.
    static let errnoNames: [Int32: String] = [
        1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 6: "ENXIO",
        7: "E2BIG", 8: "ENOEXEC", 9: "EBADF", 10: "ECHILD", 11: "EAGAIN", 12: "ENOMEM",
        13: "EACCES", 14: "EFAULT", 15: "ENOTBLK", 16: "EBUSY", 17: "EEXIST", 18: "EXDEV",
        19: "ENODEV", 20: "ENOTDIR", 21: "EISDIR", 22: "EINVAL", 23: "ENFILE", 24: "EMFILE",
        25: "ENOTTY", 26: "ETXTBSY", 27: "EFBIG", 28: "ENOSPC", 29: "ESPIPE", 30: "EROFS",
        31: "EMLINK", 32: "EPIPE", 33: "EDOM", 34: "ERANGE", 35: "EDEADLK", 36: "ENAMETOOLONG",
        37: "ENOLCK", 38: "ENOSYS", 39: "ENOTEMPTY", 40: "ELOOP", 42: "ENOMSG", 43: "EIDRM",
        44: "ECHRNG", 45: "EL2NSYNC", 46: "EL3HLT", 47: "EL3RST", 48: "ELNRNG", 49: "EUNATCH",
        50: "ENOCSI", 51: "EL2HLT", 52: "EBADE", 53: "EBADR", 54: "EXFULL", 55: "ENOANO",
        56: "EBADRQC", 57: "EBADSLT", 59: "EBFONT", 60: "ENOSTR", 61: "ENODATA", 62: "ETIME",
        63: "ENOSR", 64: "ENONET", 65: "ENOPKG", 66: "EREMOTE", 67: "ENOLINK", 68: "EADV",
        69: "ESRMNT", 70: "ECOMM", 71: "EPROTO", 72: "EMULTIHOP", 73: "EDOTDOT", 74: "EBADMSG",
        75: "EOVERFLOW", 76: "ENOTUNIQ", 77: "EBADFD", 78: "EREMCHG", 79: "ELIBACC", 80: "ELIBBAD",
        81: "ELIBSCN", 82: "ELIBMAX", 83: "ELIBEXEC", 84: "EILSEQ", 85: "ERESTART", 86: "ESTRPIPE",
        87: "EUSERS", 88: "ENOTSOCK", 89: "EDESTADDRREQ", 90: "EMSGSIZE", 91: "EPROTOTYPE", 92: "ENOPROTOOPT",
        93: "EPROTONOSUPPORT", 94: "ESOCKTNOSUPPORT", 95: "EOPNOTSUPP", 96: "EPFNOSUPPORT", 97: "EAFNOSUPPORT",
        98: "EADDRINUSE", 99: "EADDRNOTAVAIL", 100: "ENETDOWN", 101: "ENETUNREACH", 102: "ENETRESET",
        103: "ECONNABORTED", 104: "ECONNRESET", 105: "ENOBUFS", 106: "EISCONN", 107: "ENOTCONN",
        108: "ESHUTDOWN", 109: "ETOOMANYREFS", 110: "ETIMEDOUT", 111: "ECONNREFUSED", 112: "EHOSTDOWN",
        113: "EHOSTUNREACH", 114: "EALREADY", 115: "EINPROGRESS", 116: "ESTALE", 117: "EUCLEAN",
        118: "ENOTNAM", 119: "ENAVAIL", 120: "EISNAM", 121: "EREMOTEIO", 122: "EDQUOT", 123: "ENOMEDIUM",
        124: "EMEDIUMTYPE", 125: "ECANCELED", 126: "ENOKEY", 127: "EKEYEXPIRED", 128: "EKEYREVOKED",
        129: "EKEYREJECTED", 130: "EOWNERDEAD", 131: "ENOTRECOVERABLE", 132: "ERFKILL", 133: "EHWPOISON",
        512: "ERESTARTSYS", 513: "ERESTARTNOINTR", 514: "ERESTARTNOHAND", 515: "ENOIOCTLCMD",
        516: "ERESTART_RESTARTBLOCK", 517: "EPROBE_DEFER", 518: "EOPENSTALE", 519: "ENOPARAM",
        521: "EBADHANDLE", 522: "ENOTSYNC", 523: "EBADCOOKIE", 524: "ENOTSUPP", 525: "ETOOSMALL",
        526: "ESERVERFAULT", 527: "EBADTYPE", 528: "EJUKEBOX", 529: "EIOCBQUEUED", 530: "ERECALLCONFLICT",
    ]
}

/// Naming without kernel BTF: "0" for success, errno names for negative returns, decimal
/// otherwise (e.g. a 6.13+ drop reason it cannot name), and `RTN_*` (or `RTN_<n>`) route types.
public struct BasicNaming: ReturnValueNaming, Equatable {
    public init() {}

    public func returnName(_ ret: Int32, of function: KernelFunction) -> String {
        if ret < 0, ret != Int32.min, let name = LinuxNames.errnoName(-ret) { return name }
        return String(ret)
    }

    public func routeTypeName(_ routeType: UInt32) -> String {
        LinuxNames.routeTypeName(routeType) ?? "RTN_\(routeType)"
    }
}

/// The names a recording was made with, learned from its records; values it never saw are
/// named by `BasicNaming`.
public struct RecordedNaming: ReturnValueNaming, Equatable {
    private var returns: [KernelFunction: [Int32: String]] = [:]
    private var routeTypes: [UInt32: String] = [:]

    public init() {}

    /// Remembers that `ret` of `function` was named `name`.
    public mutating func learn(returnName name: String, for ret: Int32, of function: KernelFunction) {
        returns[function, default: [:]][ret] = name
    }

    /// Remembers that route type `routeType` was named `name`.
    public mutating func learn(routeTypeName name: String, for routeType: UInt32) {
        routeTypes[routeType] = name
    }

    public func returnName(_ ret: Int32, of function: KernelFunction) -> String {
        returns[function]?[ret] ?? BasicNaming().returnName(ret, of: function)
    }

    public func routeTypeName(_ routeType: UInt32) -> String {
        routeTypes[routeType] ?? BasicNaming().routeTypeName(routeType)
    }
}
