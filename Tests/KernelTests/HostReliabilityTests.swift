import ArptopCore
import Foundation
import Testing
import TestSupport

// Reliability on this machine (no VM): bad input and hostile environments give one clear line
// and a non-zero status; files arptop writes are 0644 and never follow a planted symlink.
// The live-view checks use `--demo` (no root, no BPF); the rest needs root.

/// Exactly one `arptop: ...` line on stderr containing `fragment`, no usage dump, `status`.
func expectOneLine(_ r: (status: Int32, stdout: String, stderr: String), status: Int32, containing fragment: String,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true)
    #expect(r.status == status, "exit status (stderr: \(r.stderr))", sourceLocation: sourceLocation)
    #expect(lines.count == 1, "want one line on stderr, got:\n\(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.hasPrefix("arptop: "), "\(r.stderr)", sourceLocation: sourceLocation)
    #expect(fragment.isEmpty || r.stderr.contains(fragment), "want \(fragment) in: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(!r.stderr.contains("USAGE:"), "usage dump on an error", sourceLocation: sourceLocation)
    #expect(!r.stderr.contains("Fatal error"), "a crash: \(r.stderr)", sourceLocation: sourceLocation)
}

/// A fresh directory under /tmp, world-traversable (the not-root tests run as nobody).
struct Scratch {
    let path: String
    init() throws {
        var template = Array("/tmp/arptop-rel-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
        path = String(cString: p)
        chmod(path, 0o755)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

func fileMode(_ path: String) -> mode_t? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return st.st_mode
}

/// Runs `command` (a shell command line) on a fresh pseudo-terminal with util-linux `script`;
/// returns its exit status and everything written to the terminal (stdout and stderr together).
func onPseudoTerminal(_ command: String) throws -> (status: Int32, output: String) {
    let r = try run(["/bin/sh", "-c", "exec script -qec \"$0\" /dev/null </dev/null", command])
    return (r.status, r.stdout.replacingOccurrences(of: "\r\n", with: "\n"))
}

func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

/// A private tmux server for one test; killed by `close()`.
struct Tmux {
    let socket = "arptop-rel-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    @discardableResult
    func callAsFunction(_ args: String...) throws -> String {
        try run(["tmux", "-L", socket] + args).stdout
    }
    /// Starts the server and a detached session `t` running `command`. Its output goes to
    /// /dev/null: the server daemonizes holding whatever it inherited, and a pipe would never end.
    /// Spawned directly with an empty signal mask: Foundation's Process hands its child the
    /// mask of a libdispatch thread (nearly every signal blocked), and a tmux server started
    /// that way never sees SIGCHLD, nor arptop under it SIGWINCH or SIGTERM.
    func start(_ command: String) throws {
        let argv = ["tmux", "-L", socket, "new-session", "-d", "-s", "t", "-x", "120", "-y", "40", command]
        let null = Glibc.open("/dev/null", O_RDWR | O_CLOEXEC)
        guard null >= 0 else { throw HarnessError("cannot open /dev/null") }
        defer { Glibc.close(null) }
        let pid: pid_t
        do {
            pid = try CleanSpawn.start(argv, environment: nil, stdin: null, stdout: null, stderr: null)
        } catch let error as SpawnError {
            throw HarnessError(error.description)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
    func screen() -> String { (try? self("capture-pane", "-p", "-t", "t")) ?? "" }
    /// Polls the pane (bounded) until `predicate` holds; returns the last capture.
    @discardableResult
    func waitFor(seconds: Double = 30, _ predicate: (String) -> Bool) -> String {
        let end = Date().addingTimeInterval(seconds)
        var s = screen()
        while !predicate(s) && Date() < end {
            usleep(100_000)
            s = screen()
        }
        return s
    }
    func close() { _ = try? run(["tmux", "-L", socket, "kill-server"]) }
}

@Suite("reliability on this machine: bad input and hostile terminals (no root needed)", .serialized)
struct HostHostileInputTests {
    static let badFlags: [[String]] = [
        ["--summary", "--duration", "0"], ["--summary", "--duration", "nan"], ["--summary", "--duration", "inf"],
        ["--summary", "--duration", "1e300"], ["--summary", "--duration", "2592001"], ["--summary", "--duration", "abc"],
        ["--refresh", "11"], ["--refresh", "0.01"], ["--log-size", "5"], ["--log-size", "99999999"],
        ["--log-rate", "-1"], ["--log-rate", "x"],
        ["--record", "/tmp/arptop-x.ndjson", "--record-max-size", "0"],
        ["--record", "/tmp/arptop-x.ndjson", "--record-max-size", "99999999999G"],
        ["--record-max-size", "1M"], ["-i", ""], ["-i", "a/b"], ["-i", "abcdefghijklmnopq"],
        ["--force-unavailable", "nosuch"], ["--disable-mechanism", "uprobe"], ["--probes", "--json"],
        ["--summary", "--prometheus-textfile", "/tmp/arptop-x.txt"], ["--nosuchflag"], ["--demo", "--json"],
    ]

    @Test("bad flag values: exit 64 and one line naming the problem", arguments: badFlags)
    func badFlag(_ args: [String]) throws {
        let r = try run([ArptopBinary.path] + args)
        expectOneLine(r, status: 64, containing: "")
        #expect(r.stdout.isEmpty, "\(r.stdout)")
        // The line names the flag or value at fault.
        let named = args.contains { a in a.count > 1 && r.stderr.contains(a.hasPrefix("--") ? a : "'\(a)'") }
            || r.stderr.contains("''") || r.stderr.contains("--log-rate")
        #expect(named, "the error names what is wrong: \(r.stderr)")
    }

    @Test("TERM unset, TERM=dumb, an unknown TERM: one line, exit 1, the screen untouched",
          arguments: [("env -u TERM", "TERM is not set"), ("env TERM=dumb", "TERM=dumb"),
                      ("env TERM=no-such-terminal-xyz", "no terminal description for TERM=no-such-terminal-xyz")])
    func badTERM(_ prefix: String, _ fragment: String) throws {
        let r = try onPseudoTerminal("\(prefix) \(shellQuote(ArptopBinary.path)) --demo")
        #expect(r.status == 1, "\(r.output)")
        let lines = r.output.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("arptop: ") && r.output.contains(fragment), "\(r.output)")
        #expect(!r.output.contains("\u{1b}[?1049h"), "it drew before failing: \(r.output.debugDescription)")
    }

    @Test("a terminal below 80×24 at start: one line saying so, exit 1, the terminal restored")
    func tooSmallAtStart() throws {
        let r = try onPseudoTerminal("stty cols 70 rows 20; TERM=xterm-256color exec \(shellQuote(ArptopBinary.path)) --demo")
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("arptop: the terminal is 70×20; arptop needs at least 80×24"), "\(r.output.debugDescription)")
        if let enter = r.output.range(of: "\u{1b}[?1049h", options: .backwards) {
            #expect(r.output[enter.upperBound...].contains("\u{1b}[?1049l"), "the alternate screen was not left")
        }
        #expect(!r.output.contains("Fatal error"))
    }

    @Test("a non-UTF-8 locale draws in ASCII (a UTF-8 one does not)")
    func asciiLocale() throws {
        func screen(locale: String) throws -> String {
            let tmux = Tmux()
            defer { tmux.close() }
            try tmux.start(
                     "env LANG=\(locale) LC_ALL=\(locale) \(shellQuote(ArptopBinary.path)) --demo --refresh 0.2")
            let s = tmux.waitFor { $0.contains("arp_process") && $0.contains("calls") }
            try tmux("send-keys", "-t", "t", "q")
            return s
        }
        let ascii = try screen(locale: "C")
        #expect(ascii.contains("arp_process"), "\(ascii)")
        let wide = ascii.unicodeScalars.filter { !$0.isASCII }
        #expect(wide.isEmpty, "non-ASCII on a C-locale screen: \(String(String.UnicodeScalarView(wide)).prefix(40))")
        let utf8 = try screen(locale: "C.UTF-8")
        #expect(utf8.unicodeScalars.contains { !$0.isASCII }, "the UTF-8 screen should use box drawing; the check would prove nothing")
    }

    @Test("a crash (forced in the debug build) still restores the terminal", .timeLimit(.minutes(2)))
    func crashRestoresTerminal() throws {
        let tmux = Tmux()
        defer { tmux.close() }
        try tmux.start(
                 "env LANG=C.UTF-8 ARPTOP_TEST_CRASH_AFTER=1 SWIFT_BACKTRACE=interactive=no \(shellQuote(ArptopBinary.path)) --demo; echo rc=$?; stty -a; sleep 60")
        let during = try tmux("display", "-p", "-t", "t", "#{alternate_on}")
        let s = tmux.waitFor(seconds: 60) { $0.contains("rc=") && $0.contains("icanon") }
        #expect(during.hasPrefix("1") || s.contains("rc=132"), "the screen never came up: \(during)")
        #expect(s.contains("rc=132"), "want SIGILL (fatalError): \(s)")
        let state = try tmux("display", "-p", "-t", "t", "#{alternate_on} #{cursor_flag} #{keypad_flag}")
        #expect(state.trimmingCharacters(in: .whitespacesAndNewlines) == "0 1 0",
                "alternate screen off, cursor visible, keypad mode off after the crash; got \(state)")
        #expect(s.contains(" icanon") && s.contains(" echo "), "tty back in cooked mode with echo: \(s)")
    }
}

@Suite("reliability on this machine: privileges, BTF, missing functions, files (root)", .serialized,
       .enabled(if: Environment.isCI || Environment.isRoot))
struct HostPrivilegeTests {
    @Test("--btf-path to a missing file: one line, exit 1, in every mode that loads probes",
          arguments: [["--summary", "--duration", "1"], ["--json", "--duration", "1"], ["--probes"]])
    func btfMissing(_ mode: [String]) throws {
        let r = try run([ArptopBinary.path] + mode + ["--btf-path", "/nonexistent/btf/vmlinux"])
        expectOneLine(r, status: 1, containing: "kernel BTF not found at /nonexistent/btf/vmlinux")
        #expect(r.stdout.isEmpty)
    }

    @Test("--btf-path to a file that is not BTF: one line, exit 1")
    func btfCorrupt() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = scratch.file("vmlinux")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37) }).write(to: URL(fileURLWithPath: path))
        let r = try run([ArptopBinary.path, "--summary", "--duration", "1", "--btf-path", path])
        expectOneLine(r, status: 1, containing: "not a BTF file")
    }

    @Test("--force-unavailable: that function is reported and skipped, the others keep working")
    func forceOneUnavailable() throws {
        let probes = try run([ArptopBinary.path, "--probes", "--force-unavailable", "arp_process"])
        #expect(probes.status == 0, "\(probes.stderr)")
        let arp = probes.stdout.split(separator: "\n").first { $0.hasPrefix("arp_process ") } ?? ""
        #expect(arp.contains("unavailable") && arp.contains("forced unavailable"), "\(probes.stdout)")
        let fib = probes.stdout.split(separator: "\n").first { $0.hasPrefix("fib_lookup ") } ?? ""
        #expect(!fib.contains("unavailable"), "fib_lookup still attaches: \(probes.stdout)")

        let json = try run([ArptopBinary.path, "--json", "--duration", "1", "--force-unavailable", "arp_process"])
        #expect(json.status == 0, "\(json.stderr)")
        let s = try Summary(ndjson: json.stdout)
        #expect(s.function("arp_process")?["attach"] as? String == "unavailable" || s.function("arp_process")?["attach"] == nil,
                "\(s.function("arp_process") ?? [:])")
        #expect(s.function("fib_lookup")?["attach"] as? String != "unavailable")
    }

    @Test("every function forced unavailable: one line listing why, exit 1")
    func forceAllUnavailable() throws {
        let r = try run([ArptopBinary.path, "--summary", "--duration", "1", "--force-unavailable", "arp_process",
                         "--force-unavailable", "ip_route_input_slow", "--force-unavailable", "fib_lookup",
                         "--force-unavailable", "fib_validate_source"])
        expectOneLine(r, status: 1, containing: "no kernel function could be probed")
        for f in ["arp_process", "ip_route_input_slow", "fib_lookup", "fib_validate_source"] {
            #expect(r.stderr.contains("\(f): forced unavailable"), "\(r.stderr)")
        }
    }

    @Test("not root and no capabilities: one line, exit 1, in every mode that loads probes",
          arguments: [["--summary", "--duration", "1"], ["--json", "--duration", "1"], ["--probes"]])
    func notRoot(_ mode: [String]) throws {
        let r = try run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                         ArptopBinary.path] + mode)
        expectOneLine(r, status: 1, containing: "needs root, or CAP_BPF and CAP_PERFMON")
        #expect(r.stdout.isEmpty, "\(r.stdout)")
    }

    @Test("--record through a planted symlink (to a file, or dangling): refused, the target untouched")
    func recordRefusesSymlink() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let victim = scratch.file("victim"), link = scratch.file("rec.ndjson")
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        #expect(symlink(victim, link) == 0)
        let r = try run([ArptopBinary.path, "--summary", "--duration", "1", "--record", link])
        expectOneLine(r, status: 1, containing: "symbolic link")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")

        let dangling = scratch.file("dangling.ndjson"), nowhere = scratch.file("nowhere")
        #expect(symlink(nowhere, dangling) == 0)
        let d = try run([ArptopBinary.path, "--summary", "--duration", "1", "--record", dangling])
        expectOneLine(d, status: 1, containing: "symbolic link")
        #expect(!FileManager.default.fileExists(atPath: nowhere), "created the symlink's target")
    }

    @Test("--record under umask 077 creates a 0644 regular file holding a complete recording")
    func recordMode() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = scratch.file("rec.ndjson")
        let r = try run(["/bin/sh", "-c", "umask 077; exec \"$@\"", "sh", ArptopBinary.path,
                         "--summary", "--duration", "1", "--record", path])
        #expect(r.status == 0, "\(r.stderr)")
        let mode = try #require(fileMode(path))
        #expect(mode & S_IFMT == S_IFREG)
        #expect(mode & 0o7777 == 0o644, "mode \(String(mode & 0o7777, radix: 8))")
        let reader = try RecordingReader(path: path)
        var kinds: [String] = []
        while let r = try reader.next() {
            switch r.record {
            case .attached: kinds.append("attached")
            case .summary: kinds.append("summary")
            default: break
            }
        }
        #expect(kinds.first == "attached" && kinds.last == "summary", "\(kinds)")
    }

    @Test("--record-max-size rotation over a symlink planted at FILE.1 replaces the link, never writes its target")
    func rotationReplacesPlantedSymlink() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = scratch.file("rec.ndjson"), victim = scratch.file("victim")
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        #expect(symlink(victim, path + ".1") == 0)
        let r = try run(["/bin/sh", "-c", "umask 077; exec \"$@\"", "sh", ArptopBinary.path, "--summary", "--duration", "3",
                         "--refresh", "0.1", "--record", path, "--record-max-size", "1k"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        let mode = try #require(fileMode(path + ".1"))
        #expect(mode & S_IFMT == S_IFREG, "FILE.1 is still a symlink: no rotation happened, or it wrote through it")
        #expect(mode & 0o7777 == 0o644)
    }

    @Test("--prometheus-textfile over a planted symlink replaces the link (0644), never writes its target")
    func textfileReplacesPlantedSymlink() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = scratch.file("arptop.prom"), victim = scratch.file("victim")
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        #expect(symlink(victim, path) == 0)
        let r = try run(["/bin/sh", "-c", "umask 077; exec \"$@\"", "sh", ArptopBinary.path,
                         "--summary", "--duration", "1", "--prometheus-textfile", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        let mode = try #require(fileMode(path))
        #expect(mode & S_IFMT == S_IFREG)
        #expect(mode & 0o7777 == 0o644)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("arptop_probe_attached"))
    }

    @Test("no network listener: while arptop runs, no socket of its process listens")
    func noListener() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ArptopBinary.path)
        p.arguments = ["--json", "--duration", "20"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGINT); p.waitUntilExit() } }
        var buffer = Data()
        while !String(decoding: buffer, as: UTF8.self).contains("\"type\":\"attached\"") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        let pid = p.processIdentifier
        // Listening sockets only (TCP LISTEN, unconnected UDP/raw, listening unix): any other
        // socket among its descriptors here is inherited from the test runner. (The VM test,
        // where nothing is inherited, checks that it has no socket at all.)
        let ss = try run(["ss", "-l", "-n", "-p"])
        let mine = ss.stdout.split(separator: "\n").filter { $0.contains("pid=\(pid),") }
        #expect(mine.isEmpty, "listening sockets of arptop: \(mine)")
    }
}
