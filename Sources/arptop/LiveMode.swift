import ArptopCore
import Foundation
import KernelProbes

/// The live TUI (wired to the Terminal module once it lands).
struct LiveMode {
    let options: ProbeOptions
    let interfaces: Set<String>
    let duration: Double?
    let refresh: Double

    func run() throws {
        throw Failure("the live TUI is not built yet; use --json or --summary")
    }
}

/// Restores the terminal on every way out (errors included).
enum ScreenGuard {
    static func restore() {}
}
