import ArptopCore
import Glibc
import KernelProbes

/// `arptop --probes`: attach for real, report per function how (or why not), detach.
struct ProbesMode {
    let options: ProbeOptions

    func run() throws {
        try ProbeSession.checkPrivileges()
        let session = try ProbeSession(options: options)
        defer { session.close() }
        print(Self.format(session.statuses), terminator: "")
        print(Self.verdictLine(session.statuses))
        print(Self.missedRunsNote(counted: session.missedRunsAreCounted))
    }

    /// Whether the kernel tells when it skips a program run (those calls are in no count).
    static func missedRunsNote(counted: Bool) -> String {
        counted
            ? "skipped program runs: counted by this kernel (shown as `missed`; counts are exact otherwise)"
            : "skipped program runs: not all counted by this kernel (kprobe/tracepoint skips from 6.7, trampoline skips from 5.12): counts are lower bounds"
    }

    /// Whether this kernel gives a verdict per ARP packet, and with which witnesses.
    static func verdictLine(_ statuses: [ProbeStatus]) -> String {
        let width = KernelFunction.allCases.map(\.name.count).max()! + 2
        let name = "verdicts".fitted(to: width)
        if let why = ArpVerdict.unavailableReason(probes: statuses) {
            let attached = statuses.first { $0.function == .arpProcess }?.isAttached == true
            return name + (attached ? "partial" : "unavailable").fitted(to: 13) + why
        }
        let how = statuses.first { $0.function == .arpProcess }?.mechanism?.rawValue ?? ""
        return name + how.fitted(to: 13) + ArpVerdict.witnesses.joined(separator: ", ")
    }

    /// One line per function: `name  mechanism  target  (notes)` or `name  unavailable  reason`.
    static func format(_ statuses: [ProbeStatus]) -> String {
        let width = KernelFunction.allCases.map(\.name.count).max()! + 2
        var out = ""
        for s in statuses {
            let name = s.function.name.fitted(to: width)
            if let m = s.mechanism {
                var line = name + m.rawValue.fitted(to: 13) + (s.target ?? "")
                if let r = s.reason, !r.isEmpty { line += "  (\(r))" }
                out += line + "\n"
            } else {
                out += name + "unavailable".fitted(to: 13) + (s.reason ?? "") + "\n"
            }
        }
        return out
    }
}

private extension String {
    /// Exactly `width` characters: cut, or filled with spaces (as Foundation's
    /// `padding(toLength: width, withPad: " ", startingAt: 0)`).
    func fitted(to width: Int) -> String {
        count >= width ? String(prefix(width)) : self + String(repeating: " ", count: width - count)
    }
}
