/// How arptop reads the stop signals it receives (SIGINT, SIGTERM, SIGHUP). Pure, so the
/// rule is testable; `Signals` in the CLI feeds it from the signal handler.
///
/// The first signal asks for a clean stop. A signal arriving within `duplicateWindowNs` of the
/// first is the same request delivered twice: `timeout -s INT 60 arptop` signals arptop and its
/// process group, and a terminal's Ctrl-C reaches the whole foreground group. Only a signal
/// after that window is an operator insisting: arptop then hurries (writes what it owes from
/// what it has already read, then exits), it does not vanish without its summary.
public struct StopRequests: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// The first request: stop cleanly.
        case stop
        /// The same request again (within the window): nothing to do.
        case duplicate
        /// A request after the window: finish now with what was read.
        case hurry
    }

    /// Signals closer than this to the first are duplicates (1 s).
    public static let duplicateWindowNs: UInt64 = 1_000_000_000

    /// The first signal and when it came (monotonic ns); nil before any.
    public private(set) var first: (signal: Int32, atNs: UInt64)?
    /// Whether a later signal asked to hurry.
    public private(set) var hurrying = false

    public init() {}

    /// Records `signal` received at `nowNs` and says what it means.
    public mutating func receive(_ signal: Int32, atNs nowNs: UInt64) -> Action {
        guard let first else {
            self.first = (signal, nowNs)
            return .stop
        }
        if nowNs >= first.atNs, nowNs - first.atNs < Self.duplicateWindowNs { return .duplicate }
        hurrying = true
        return .hurry
    }

    public static func == (a: StopRequests, b: StopRequests) -> Bool {
        a.first?.signal == b.first?.signal && a.first?.atNs == b.first?.atNs && a.hurrying == b.hurrying
    }
}
