import ArptopCore
import Foundation
import Testing

/// The real binary run directly (no tmux): every mistake an operator can make is one line on
/// stderr and a non-zero exit status.
@Suite("errors from the real binary")
struct CommandLineTests {
    static let lab = LabRecording()

    /// Exactly one `arptop: ...` line on stderr containing `fragment`, nothing on stdout, `status`.
    static func expectOneLineError(_ r: ProcessResult, status: Int32, containing fragment: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, "exit status (stderr: \(r.stderr))", sourceLocation: sourceLocation)
        #expect(r.stderrLines.count == 1, "want one line on stderr, got:\n\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("arptop: "), "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(fragment), "want \(fragment) in: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("USAGE:"), "usage dump on an error", sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, "stdout: \(r.stdout)", sourceLocation: sourceLocation)
    }

    // MARK: Bad recordings

    /// A malformed recording: arptop replays up to the bad line, says so on the screen and keeps
    /// it until `q`; then it prints one line naming the file and the line, and exits 1.
    struct Malformed: CustomStringConvertible, Sendable {
        var name: String
        var text: String
        var line: Int
        var fragment: String
        var description: String { name }
    }

    static var malformed: [Malformed] {
        let l = lab.lines
        // Attached, netns, then two full ticks: a snapshot, 24 events, a snapshot, ...
        let head = Array(l.prefix(28))
        let cut = l[28].prefix(l[28].count / 2)
        return [
            Malformed(name: "truncated last line", text: head.map { $0 + "\n" }.joined() + cut, line: 29,
                      fragment: "truncated"),
            Malformed(name: "garbage on line 3", text: ([l[0], l[1], "this is not JSON {"] + l[2..<10]).map { $0 + "\n" }.joined(),
                      line: 3, fragment: ""),
            Malformed(name: "unknown record type on line 4",
                      text: ([l[0], l[1], l[2], #"{"type":"heartbeat","time_ns":7203117000000}"#] + l[3..<10]).map { $0 + "\n" }.joined(),
                      line: 4, fragment: "unknown record type \"heartbeat\""),
            Malformed(name: "future format version",
                      text: ([l[0].replacingOccurrences(of: #""version":2,"#, with: #""version":3,"#)] + l[1..<10]).map { $0 + "\n" }.joined(),
                      line: 1, fragment: "format version 3 is newer"),
        ]
    }

    @Test("a malformed recording: the screen says so and stays; after q, exit 1 and one line naming the line number", arguments: malformed)
    func malformedRecording(_ bad: Malformed) throws {
        #expect(bad.text != Self.lab.text)
        let scratch = try ScratchDirectory()
        let path = try scratch.write("bad.ndjson", bad.text)
        let (r, tty) = try runOnPseudoTerminal(ArptopBinary.path, ["--replay", path, "--refresh", "0.2"], timeout: 60,
                                               input: "q", when: "replay stopped: ")
        Self.expectOneLineError(r, status: 1, containing: "recording \(path) line \(bad.line): \(bad.fragment)")
        // If it got as far as drawing, it left the alternate screen before printing.
        if let enter = tty.range(of: "\u{1b}[?1049h", options: .backwards) {
            #expect(tty[enter.upperBound...].contains("\u{1b}[?1049l"), "the alternate screen was not left")
        }
    }

    @Test("the lab recording itself replays without an error")
    func goodRecordingParses() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("lab.ndjson", Self.lab.text)
        let reader = try RecordingReader(path: path)
        var n = 0
        while try reader.next() != nil { n += 1 }
        #expect(n == Self.lab.lines.count)
    }

    // MARK: Bad input

    @Test("unknown -i interface: usage error naming it")
    func unknownInterface() throws {
        let r = try runDirect(ArptopBinary.path, ["-i", "nosuchif0"])
        Self.expectOneLineError(r, status: 64, containing: "'nosuchif0'")
    }

    @Test("--duration=-1: usage error")
    func negativeDuration() throws {
        let r = try runDirect(ArptopBinary.path, ["--summary", "--duration=-1"])
        Self.expectOneLineError(r, status: 64, containing: "--duration")
    }

    @Test("--refresh 0: usage error")
    func zeroRefresh() throws {
        let r = try runDirect(ArptopBinary.path, ["--refresh", "0"])
        Self.expectOneLineError(r, status: 64, containing: "--refresh must be between 0.1 and 10")
    }

    @Test("--replay of a missing file: runtime error (exit 1) naming it and why", arguments: [[String](), ["--summary"]])
    func missingRecording(extra: [String]) throws {
        let r = try runDirect(ArptopBinary.path, ["--replay", "/nonexistent/capture.ndjson"] + extra)
        Self.expectOneLineError(r, status: 1, containing: "recording /nonexistent/capture.ndjson: cannot open: No such file or directory")
    }

    @Test("--duration -5 (a separate negative value): it must be positive, not \"missing value\"",
          arguments: [["--duration", "-5"], ["--summary", "--duration", "-5"], ["-d", "-1"], ["--refresh", "-0.5"]])
    func negativeSeparateValue(args: [String]) throws {
        let r = try runDirect(ArptopBinary.path, args)
        let option = args.contains("--duration") ? "--duration must be a positive number" : "--refresh must be between 0.1 and 10"
        Self.expectOneLineError(r, status: 64, containing: option)
        #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
    }

    @Test("--record with a replay: allowed on screen, refused headless (use --json > FILE)")
    func recordWithReplay() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("lab.ndjson", Self.lab.text)
        let out = scratch.url.appendingPathComponent("again.ndjson").path
        let headless = try runDirect(ArptopBinary.path, ["--replay", path, "--summary", "--record", out])
        Self.expectOneLineError(headless, status: 64, containing: "--record does not apply to a headless --replay")
        // On screen it passes validation (and here stops at the missing terminal, not at a usage error).
        let live = try runDirect(ArptopBinary.path, ["--replay", path, "--record", out], stdoutTo: scratch.url.appendingPathComponent("x").path)
        #expect(live.status == 1, "\(live.stderr)")
        #expect(live.stderr.contains("stdout is not a terminal"), "\(live.stderr)")
    }

    @Test("-d is --refresh, as in top: -d 0.05 is refused as --refresh would be, -d 0.5 accepted")
    func shortRefresh() throws {
        let bad = try runDirect(ArptopBinary.path, ["-d", "0.05", "--replay", "/nonexistent.ndjson"])
        Self.expectOneLineError(bad, status: 64, containing: "--refresh must be between 0.1 and 10 seconds, not 0.05")
        let scratch = try ScratchDirectory()
        let path = try scratch.write("lab.ndjson", Self.lab.text)
        let good = try runDirect(ArptopBinary.path, ["-d", "0.5", "--replay", path, "--summary"])
        #expect(good.status == 0, "\(good.stderr)")
        let help = try runDirect(ArptopBinary.path, ["--help"])
        #expect(help.stdout.contains("-d, --refresh <seconds>"), "\(help.stdout)")
    }

    @Test("without privileges: one line, no doubled \"arptop: arptop\"")
    func notRoot() throws {
        guard let setpriv = TestEnvironment.which("setpriv") else {
            #expect(!TestEnvironment.isCI, "setpriv (util-linux) is missing, and CI=true")
            return
        }
        // nobody, without capabilities: BPF cannot be loaded. (As nobody already: the same.)
        let r = try runDirect(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                                        ArptopBinary.path, "--summary", "--duration", "1"])
        Self.expectOneLineError(r, status: 1, containing: "arptop: needs root, or CAP_BPF and CAP_PERFMON")
        #expect(!r.stderr.contains("arptop: arptop"), "\(r.stderr)")
    }

    @Test("the live view with stdout redirected to a file: a clear one-line error, nothing written")
    func stdoutNotATerminal() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("lab.ndjson", Self.lab.text)
        let out = scratch.url.appendingPathComponent("x").path
        let r = try runDirect(ArptopBinary.path, ["--replay", path], stdoutTo: out)
        Self.expectOneLineError(r, status: 1, containing: "stdout is not a terminal")
        #expect(r.stderr.components(separatedBy: "--json").count == 2, "the error says once what to use instead: \(r.stderr)")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: out)))?.isEmpty == true, "something was written to the file")
    }

    @Test("the live view with stdin not a terminal: a clear one-line error")
    func stdinNotATerminal() throws {
        // stdout is a terminal here; stdin is /dev/null.
        let scratch = try ScratchDirectory()
        let path = try scratch.write("lab.ndjson", Self.lab.text)
        let (r, tty) = try runOnPseudoTerminal("/bin/sh", ["-c", "exec \"$0\" --replay \"$1\" < /dev/null", ArptopBinary.path, path])
        Self.expectOneLineError(r, status: 1, containing: "stdin is not a terminal")
        #expect(r.stderr.components(separatedBy: "--json").count == 2, "the error says once what to use instead: \(r.stderr)")
        #expect(!tty.contains("\u{1b}[?1049h"), "it drew before failing")
    }

    // MARK: The committed fixture

    static let fixtureName = "lab-debian12.ndjson"

    @Test("Fixtures/lab-debian12.ndjson is what LabRecording generates (ARPTOP_E2E_REGENERATE=1 rewrites it)")
    func committedFixtureIsCurrent() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(Self.fixtureName)")
        if ProcessInfo.processInfo.environment["ARPTOP_E2E_REGENERATE"] == "1" {
            try Data(Self.lab.text.utf8).write(to: source)
        }
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(Self.fixtureName)", withExtension: nil)
            ?? Bundle.module.resourceURL?.appendingPathComponent("Fixtures/\(Self.fixtureName)"))
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == Self.lab.text, "regenerate with ARPTOP_E2E_REGENERATE=1 swift test --filter committedFixtureIsCurrent")
    }
}

/// Shell completions: files where a file is asked for, interface names for -i, and no word
/// the program would refuse.
@Suite("shell completions")
struct CompletionTests {
    @Test("bash: --record/--replay complete files, --prometheus-textfile .prom files, -i the interfaces; `help` works")
    func bash() throws {
        let r = try runDirect(ArptopBinary.path, ["--generate-completion-script", "bash"])
        #expect(r.status == 0, "\(r.stderr)")
        let script = r.stdout
        func branch(_ option: String) -> String {
            guard let at = script.range(of: "'\(option)')") else { return "" }
            return String(script[at.upperBound...].prefix(200))
        }
        for option in ["--record", "--replay"] { #expect(branch(option).contains("-f"), "\(option): \(branch(option))") }
        #expect(branch("--prometheus-textfile").contains("prom"), "\(branch("--prometheus-textfile"))")
        #expect(branch("-i").contains("/sys/class/net") || branch("--interface").contains("/sys/class/net"),
                "\(branch("--interface"))")
        // The script offers `help`: it must be a word arptop accepts.
        if script.contains("compgen -W 'help'") {
            let help = try runDirect(ArptopBinary.path, ["help"])
            #expect(help.status == 0, "arptop help: \(help.stderr)")
            #expect(help.stdout.contains("USAGE"), "\(help.stdout.prefix(200))")
        }
    }
}
