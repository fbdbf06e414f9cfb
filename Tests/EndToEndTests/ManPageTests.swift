import Foundation
import Testing

/// Sources/arptop/man/arptop.8, written by hand for section 8: groff must not warn about it, it
/// must have the sections an operator looks for, and it must document every option and key.
@Suite("man page", .enabled(if: Prerequisite.runs(Prerequisite.man), "needs man and groff"))
struct ManPageTests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/arptop/man/arptop.8").standardized.path

    /// `man` (with groff); throws when missing (only reachable under CI=true).
    static func man() throws -> String {
        try Prerequisite.require(Prerequisite.man)
        return TestEnvironment.which("man")!
    }

    @Test("man --warnings renders it without a warning")
    func noWarnings() throws {
        let man = try Self.man()
        var env = Spawn.environment
        env["MANWIDTH"] = "80"
        let r = try Spawn.run([man, "--warnings", "-E", "UTF-8", "-l", Self.page], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "groff warns:\n\(r.stderr)")
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "KEYS", "OPTIONS", "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"] {
            #expect(r.stdout.contains("\n\(section)\n"), "no \(section) section")
        }
        for seeAlso in ["bpftrace(8)", "ip-route(8)", "ip-neighbour(8)", "arping(8)", "sysctl(8)", "ip-sysctl"] {
            #expect(r.stdout.contains(seeAlso), "SEE ALSO lacks \(seeAlso)")
        }
        for status in ["0", "1", "64"] {
            #expect(r.stdout.range(of: "\n     \(status) +", options: .regularExpression) != nil, "EXIT STATUS lacks \(status)\n\(r.stdout)")
        }
    }

    @Test("every option in arptop --help is in the man page")
    func everyOption() throws {
        let help = try runDirect(ArptopBinary.path, ["--help"])
        #expect(help.status == 0)
        let options = Set(help.stdout.matches(of: #/(?:^|\s)(--[a-z][a-z-]+)/#).map { String($0.1) })
        #expect(options.contains("--replay") && options.contains("--refresh"), "\(help.stdout)")
        let page = try String(contentsOfFile: Self.page, encoding: .utf8)
        for option in options.sorted() {
            // mdoc writes --json as "Fl -json".
            #expect(page.contains("Fl \(option.dropFirst())") || page.contains("Fl h , \(option.dropFirst())")
                    || page.contains(", \(option.dropFirst()) "), "the man page lacks \(option)")
        }
    }
}
