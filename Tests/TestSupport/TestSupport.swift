import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the test targets share: whether this is CI, and starting a child process with a clean
/// signal mask.
public enum CIEnvironment {
    /// Under CI (`CI=true`) a missing VM, tool or privilege is a failure, never a silent skip.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
}

public struct SpawnError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Starts processes with posix_spawn: Foundation's Process hands its child the signal mask of
/// the (libdispatch) thread that starts it, which blocks nearly every signal, so a tmux server
/// started that way never sees SIGCHLD or SIGTERM, and arptop under it never sees SIGWINCH. Here
/// children get an empty mask, default handlers, and only the descriptors given to them.
public enum CleanSpawn {
    /// Starts `argv` (argv[0] searched on PATH) with `environment` (nil: this process's), its
    /// stdin, stdout and stderr on the given descriptors. Returns the child's pid.
    /// - Wraps `posix_spawnp` with POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF.
    public static func start(_ argv: [String], environment: [String: String]?,
                             stdin: Int32, stdout: Int32, stderr: Int32) throws -> pid_t {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        let args = argv.map { strdup($0) } + [nil]
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (args + env).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, args, env)
        guard rc == 0 else { throw SpawnError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }
}
