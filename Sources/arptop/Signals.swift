import Foundation

/// The signal that asked arptop to stop (0 = none yet). Written only from signal handlers.
nonisolated(unsafe) var stopSignal: Int32 = 0

/// SIGINT, SIGTERM and SIGHUP (the SSH session dropping) all ask for a clean stop:
/// the main loop sees the flag, detaches the probes, restores the terminal and writes
/// what it owes (summary, recording). A second signal of the same kind exits at once.
/// SIGPIPE is ignored so a closed stdout (`arptop --json | head`) is an EPIPE we handle.
enum Signals {
    static func install() {
        // A parent may have started us with these blocked (threads of test runners and
        // some supervisors do, and the mask is inherited): unblock them, or Ctrl-C and
        // SIGTERM would never arrive.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] { sigaddset(&unblock, sig) }  // SIGWINCH: ncurses sees resizes by it
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                if stopSignal == sig { _exit(128 + sig) }
                stopSignal = sig
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0  // no SA_RESTART: poll() returns EINTR and the loop looks at the flag
            sigaction(sig, &action, nil)
        }
        signal(SIGPIPE, SIG_IGN)
    }

    static var stopRequested: Bool { stopSignal != 0 }
}

/// CLOCK_MONOTONIC in nanoseconds: the clock of BPF's bpf_ktime_get_ns().
func monotonicNow() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Buffered writes to stdout, flushed explicitly; a closed pipe ends the run cleanly.
struct StdoutWriter {
    private var buffer: [UInt8] = []
    private(set) var closed = false

    mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        if !closed && !buffer.isEmpty && !writeAll(1, buffer) {
            closed = true  // EPIPE or similar: the reader went away
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
