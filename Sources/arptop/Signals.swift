import ArptopCore
import Glibc

/// The signal that asked arptop to stop (0 = none yet). Written only from signal handlers.
nonisolated(unsafe) var stopSignal: Int32 = 0
/// What the stop signals received so far mean. Written only from signal handlers.
nonisolated(unsafe) var stopRequests = StopRequests()

/// SIGINT, SIGTERM and SIGHUP (the SSH session dropping) all ask for a clean stop:
/// the main loop sees the flag, detaches the probes, restores the terminal and writes
/// what it owes (summary, recording, Prometheus file). The same request arriving twice at
/// once (`timeout` signals arptop and its process group) is one request; a signal more than
/// a second later asks to hurry: the final drain and read are skipped and what is owed is
/// written from what was already read (`StopRequests`).
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
        // The handler's state is initialised here, on the main thread: a global's first use
        // runs its lazy initialiser under a lock, which a signal handler must never take.
        stopRequests = StopRequests()
        stopSignal = 0
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                // clock_gettime is async-signal-safe; so is this struct's arithmetic.
                _ = stopRequests.receive(sig, atNs: monotonicNow())
                if stopSignal == 0 { stopSignal = sig }
            }
            sigemptyset(&action.sa_mask)
            // All three blocked while one is handled: two arriving at once are seen in turn.
            for other in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&action.sa_mask, other) }
            action.sa_flags = 0  // no SA_RESTART: poll() returns EINTR and the loop looks at the flag
            sigaction(sig, &action, nil)
        }
        signal(SIGPIPE, SIG_IGN)
    }

    static var stopRequested: Bool { stopSignal != 0 }
    /// A second request, more than a second after the first: finish from what was read.
    static var hurry: Bool { stopRequests.hurrying }
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

    /// An event's line, written straight into the buffer (no String made of it).
    mutating func event(_ record: EventRecord, realtimeOffsetNs: Int64?) {
        record.appendJSONLine(to: &buffer, realtimeOffsetNs: realtimeOffsetNs)
        if buffer.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        if !closed && !buffer.isEmpty && !writeAll(1, buffer) {
            closed = true  // EPIPE or similar: the reader went away
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
