import ArptopCore
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Finding things

/// The built `arptop` binary: `ARPTOP_BIN`, else beside the test bundle (same build directory).
enum ArptopBinary {
    static let path: String = {
        if let env = ProcessInfo.processInfo.environment["ARPTOP_BIN"], !env.isEmpty { return env }
        // swift test runs <build>/debug/arptopPackageTests.xctest; arptop sits beside it.
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("arptop").path
    }()
}

enum TestEnvironment {
    /// Under CI a missing tool is a failure, never a silent skip.
    static var isCI: Bool { CIEnvironment.isCI }

    /// An executable named `name` on PATH (or in the usual places).
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/local/bin"]
        return dirs.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A scratch directory removed when the value goes away.
final class ScratchDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("arptop-e2e-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` and returns the path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Running processes

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// stderr split into lines (without the final empty one).
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
}

/// Children of the tests: started by TestSupport's `CleanSpawn` (empty signal mask, default
/// handlers, only the descriptors given), waited for with a bound.
enum Spawn {
    /// Starts `argv` with `environment`, its stdin, stdout and stderr on the given descriptors.
    static func start(_ argv: [String], environment: [String: String], stdin: Int32, stdout: Int32, stderr: Int32) throws -> pid_t {
        do {
            return try CleanSpawn.start(argv, environment: environment, stdin: stdin, stdout: stdout, stderr: stderr)
        } catch let error as SpawnError {
            throw E2EError(error.description)
        }
    }

    /// Waits for `pid` at most `timeout` seconds (then kills it and throws); returns the exit
    /// status, or 128 + the signal that ended it.
    static func wait(_ pid: pid_t, timeout: Double, what: String) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw E2EError("waitpid: \(String(cString: strerror(errno)))") }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw E2EError("\(what) did not exit within \(Int(timeout)) s")
            }
            usleep(10_000)
        }
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// The environment children get: ours, without TMUX, with a UTF-8 locale.
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TMUX")
        env["LANG"] = "C.UTF-8"
        env["LC_ALL"] = "C.UTF-8"
        return env
    }

    /// Opens `path` close-on-exec (the child gets it only through dup2).
    static func open(_ path: String, _ flags: Int32) throws -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw E2EError("cannot open \(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    /// Runs `argv` to completion with stdin from /dev/null, stdout to `stdoutPath` (else captured),
    /// stderr captured.
    static func run(_ argv: [String], environment: [String: String] = Spawn.environment, stdoutPath: String? = nil,
                    timeout: Double = 60) throws -> ProcessResult {
        let scratch = try ScratchDirectory()
        let outPath = stdoutPath ?? scratch.url.appendingPathComponent("stdout").path
        let errPath = scratch.url.appendingPathComponent("stderr").path
        let null = try open("/dev/null", O_RDONLY)
        let out = try open(outPath, O_WRONLY | O_CREAT | O_TRUNC)
        let err = try open(errPath, O_WRONLY | O_CREAT | O_TRUNC)
        defer { [null, out, err].forEach { close($0) } }
        let pid = try start(argv, environment: environment, stdin: null, stdout: out, stderr: err)
        let status = try wait(pid, timeout: timeout, what: argv.joined(separator: " "))
        func read(_ path: String) -> String { String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
        return ProcessResult(status: status, stdout: stdoutPath == nil ? read(outPath) : "", stderr: read(errPath))
    }
}

/// Runs `executable` directly (stdin from /dev/null, stdout and stderr captured, or stdout to `file`).
func runDirect(_ executable: String, _ arguments: [String], stdoutTo file: String? = nil, timeout: Double = 60) throws -> ProcessResult {
    var env = Spawn.environment
    env["TERM"] = "xterm-256color"
    return try Spawn.run([executable] + arguments, environment: env, stdoutPath: file, timeout: timeout)
}

/// Runs `executable` with stdin and stdout on a fresh pseudo-terminal (`cols`×`rows`, TERM=xterm-256color),
/// stderr captured, as an operator's shell would, but without tmux. `stdoutTTY` holds what was written
/// to the terminal.
/// With `input`, types it once the terminal output contains `when` (or the program exits first).
func runOnPseudoTerminal(_ executable: String, _ arguments: [String], cols: Int = 160, rows: Int = 48,
                         timeout: Double = 60, input: String? = nil, when trigger: String = "") throws -> (result: ProcessResult, stdoutTTY: String) {
    // Linux's /dev/ptmx: unlock the pair (TIOCSPTLCK) and ask for its number (TIOCGPTN); Glibc's
    // posix_openpt/ptsname are not visible to Swift without _XOPEN_SOURCE.
    let master = try Spawn.open("/dev/ptmx", O_RDWR | O_NOCTTY)
    defer { close(master) }
    var unlock: Int32 = 0, number: UInt32 = 0
    let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430
    guard ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
        throw E2EError("cannot set up a pseudo-terminal: \(String(cString: strerror(errno)))")
    }
    var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(cols), ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    let slave = try Spawn.open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
    let scratch = try ScratchDirectory()
    let errPath = scratch.url.appendingPathComponent("stderr").path
    let err = try Spawn.open(errPath, O_WRONLY | O_CREAT | O_TRUNC)
    var env = Spawn.environment
    env["TERM"] = "xterm-256color"
    let pid: pid_t
    do {
        defer { close(slave); close(err) }
        pid = try Spawn.start([executable] + arguments, environment: env, stdin: slave, stdout: slave, stderr: err)
    }
    // Drain the terminal so the program never blocks on a full pty; read() fails with EIO once
    // the program (the only holder of the other side) has exited.
    let collected = Collected()
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        var data = Data()
        var buf = [UInt8](repeating: 0, count: 65536)
        var typed = input == nil
        while true {
            let n = read(master, &buf, buf.count)
            if n > 0 { data.append(contentsOf: buf[0..<n]) } else if n < 0 && errno == EINTR { continue } else { break }
            if !typed, let input, String(decoding: data, as: UTF8.self).contains(trigger) {
                typed = true
                _ = input.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress!, $0.count - 1) }
            }
        }
        collected.set(out: data)
        done.signal()
    }
    let status = try Spawn.wait(pid, timeout: timeout, what: "\(executable) \(arguments.joined(separator: " "))")
    _ = done.wait(timeout: .now() + 10)
    let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
    return (ProcessResult(status: status, stdout: "", stderr: stderr), String(decoding: collected.out, as: UTF8.self))
}

private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var _out = Data()
    var out: Data { lock.lock(); defer { lock.unlock() }; return _out }
    func set(out: Data) { lock.lock(); _out = out; lock.unlock() }
}

// MARK: - tmux

/// A private tmux server (its own socket) with one session running a plain shell, sized
/// `cols`×`rows`. Everything is driven through the tmux CLI; the server is killed on `close()`
/// or deinit.
final class TmuxSession {
    /// tmux, when installed.
    static let executable = TestEnvironment.which("tmux")
    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    let tmux: String
    let socket: String
    let target = "e2e"
    private var closed = false
    /// The server's socket file: kill-server leaves it behind, close() removes it.
    private var socketPath: String?

    /// Starts the server. Throws when tmux is missing (the caller decides skip or fail).
    init(cols: Int = 160, rows: Int = 48) throws {
        guard let tmux = Self.executable else { throw E2EError("tmux is not installed") }
        self.tmux = tmux
        Self.counterLock.lock()
        Self.counter += 1
        socket = "arptop-e2e-\(getpid())-\(Self.counter)"
        Self.counterLock.unlock()
        // -f /dev/null: no user configuration; a UTF-8 locale so arptop draws its Unicode glyphs.
        try tmuxCommand(["-f", "/dev/null", "new-session", "-d", "-s", target, "-x", String(cols), "-y", String(rows),
                         "-e", "LANG=C.UTF-8", "-e", "LC_ALL=C.UTF-8", "-e", "PS1=e2e$ ",
                         "bash --norc --noprofile"])
        socketPath = try? format("#{socket_path}")
        _ = try waitFor("the shell prompt", timeout: 30) { $0.lines.contains { !$0.isEmpty } }
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        _ = try? tmuxCommand(["kill-server"])
        if let socketPath, !socketPath.isEmpty { unlink(socketPath) }
    }

    /// Runs `tmux -L socket ARGS` and returns its stdout.
    @discardableResult
    func tmuxCommand(_ args: [String]) throws -> String {
        let r = try Spawn.run([tmux, "-u", "-L", socket] + args, timeout: 30)
        guard r.status == 0 else {
            throw E2EError("tmux \(args.joined(separator: " ")) failed (\(r.status)): \(r.stderr)")
        }
        return r.stdout
    }

    /// Sends tmux key names (`Enter`, `Space`, `Escape`, `C-u`, `Tab`, …) one by one.
    func keys(_ names: String...) throws {
        for name in names { try tmuxCommand(["send-keys", "-t", target, name]) }
    }

    /// Types `text` literally (no key-name lookup).
    func type(_ text: String) throws {
        try tmuxCommand(["send-keys", "-t", target, "-l", text])
    }

    /// Types a shell command line and presses Enter.
    func run(_ commandLine: String) throws {
        try type(commandLine)
        try keys("Enter")
    }

    /// Starts arptop in the pane's shell (through `wrapper`, a command that execs its arguments,
    /// if any); its exit status is echoed as `arptop-exit=N` afterwards. Waits until the live
    /// screen is up.
    @discardableResult
    func launchArptop(_ arguments: [String], wrapper: [String] = []) throws -> Screen {
        let quoted = (wrapper + [ArptopBinary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        try run(quoted.joined(separator: " ") + "; echo arptop-exit=$?")
        return try waitFor("arptop's live screen", timeout: 60) { $0.lines.first?.hasPrefix("arptop  ") ?? false }
    }

    /// A tmux format evaluated for the pane, e.g. `#{alternate_on}`.
    func format(_ f: String) throws -> String {
        try tmuxCommand(["display-message", "-p", "-t", target, f]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func resize(cols: Int, rows: Int) throws {
        try tmuxCommand(["resize-window", "-t", target, "-x", String(cols), "-y", String(rows)])
    }

    /// The visible pane as text.
    func capture() throws -> Screen {
        let width = Int(try format("#{pane_width}")) ?? 0
        let text = try tmuxCommand(["capture-pane", "-p", "-t", target])
        return Screen(text: text, width: width)
    }

    /// Polls the pane (every 100 ms) until `condition` holds on a settled screen; throws after
    /// `timeout` seconds with the last screen in the message. Settled: a second capture right
    /// after shows the same text, so a screen tmux has only partly received (a large redraw
    /// arrives in several writes) is never taken for the answer.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 30, _ condition: (Screen) throws -> Bool) throws -> Screen {
        let deadline = Date().addingTimeInterval(timeout)
        var last = Screen(text: "", width: 0)
        while true {
            last = try capture()
            if try condition(last) {
                usleep(50_000)
                if try capture().text == last.text { return last }
                continue
            }
            if Date() > deadline {
                throw E2EError("timed out after \(Int(timeout)) s waiting for \(what); the screen was:\n\(last.text)")
            }
            usleep(100_000)
        }
    }
}

/// What an end-to-end test needs from this machine. A test that lacks it shows as skipped with
/// the reason (`.enabled(if: Prerequisite.runs(...), ...)`), except under CI=true, where it runs
/// and fails at `Prerequisite.require`: a missing prerequisite is never a silent pass.
enum Prerequisite {
    /// nil when tmux is installed; else why the TUI tests cannot run.
    static let tmux: String? = TmuxSession.executable == nil ? "needs tmux" : nil
    /// nil when man and groff are installed.
    static let man: String? = TestEnvironment.which("man") != nil && TestEnvironment.which("groff") != nil
        ? nil : "needs man and groff"
    /// nil when this machine's kernel can be probed (root, something attaches).
    static let kernel: String? = {
        guard getuid() == 0 else { return "needs root to load the probes" }
        guard let probe = try? runDirect(ArptopBinary.path, ["--summary", "--duration", "0.2"]) else {
            return "cannot start arptop"
        }
        return probe.status == 0 ? nil : "no probe attaches on this kernel (\(probe.stderr))"
    }()

    /// Whether a test needing `missing` runs: when nothing is missing, and always under CI.
    static func runs(_ missing: String?) -> Bool { missing == nil || TestEnvironment.isCI }

    /// Fails the test (under CI, the only way to get here with something missing).
    static func require(_ missing: String?, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if let missing {
            throw E2EError("\(missing), and CI=true: this test cannot run here")
        }
    }
}

// MARK: - Reading the screen

/// A captured screen and what arptop shows on it.
struct Screen: CustomStringConvertible {
    let text: String
    let lines: [String]
    let width: Int

    init(text: String, width: Int) {
        self.text = text
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
        self.width = width
    }

    var description: String { text }

    func contains(_ s: String) -> Bool { text.contains(s) }

    /// The header's `events N` (row 1).
    var headerEvents: UInt64? {
        guard lines.count > 1, let m = lines[1].firstMatch(of: #/^events ([0-9,]+) /#) else { return nil }
        return Screen.number(m.1)
    }

    /// The header's `interfaces ...` (right of row 1).
    var headerInterfaces: String? {
        guard lines.count > 1, let m = lines[1].firstMatch(of: #/interfaces (.+?)\s*$/#) else { return nil }
        return String(m.1)
    }

    /// Whether the PAUSED banner is up, and how many events it says arrived since.
    var eventsSincePause: UInt64? {
        guard let first = lines.first, let m = first.firstMatch(of: #/PAUSED . ([0-9,]+) events since pause/#) else { return nil }
        return Screen.number(m.1)
    }

    /// The replay label's speed and end marker, e.g. ("1", true) for "replay x.ndjson ×1 (end)".
    var replayState: (speed: String, atEnd: Bool)? {
        guard let first = lines.first, let m = first.firstMatch(of: #/replay \S+ (?:[0-9:]+(?: / [0-9:]+)? )?×(\S+)( \(end\))?/#) else { return nil }
        return (String(m.1), m.2 != nil)
    }

    /// The replay position and the recording's length in seconds, e.g. (12, 60) for "0:12 / 1:00".
    var replayPosition: (at: Int, total: Int)? {
        guard let first = lines.first, let m = first.firstMatch(of: #/replay \S+ ([0-9]+):([0-9]{2}) / ([0-9]+):([0-9]{2}) ×/#) else { return nil }
        return (Int(m.1)! * 60 + Int(m.2)!, Int(m.3)! * 60 + Int(m.4)!)
    }

    /// Where each pane's title rule is: (row, column of the rule's first cell).
    var paneTitles: [KernelFunction: (row: Int, col: Int)] {
        var out: [KernelFunction: (Int, Int)] = [:]
        for (r, line) in lines.enumerated() {
            let chars = Array(line)
            for f in KernelFunction.allCases {
                let needle = Array("─ \(f.rawValue + 1)  \(f.name) ")
                guard chars.count >= needle.count else { continue }
                for c in 0...(chars.count - needle.count) where Array(chars[c..<(c + needle.count)]) == needle {
                    out[f] = (r, c)
                }
            }
        }
        return out
    }

    /// Panes side by side (1 and 2 on one row): the wide layout.
    var isWideLayout: Bool {
        let t = paneTitles
        guard let a = t[.arpProcess], let b = t[.ipRouteInputSlow] else { return false }
        return a.row == b.row && a.col == 0 && b.col > 0
    }

    /// Panes stacked (1 above 2, both at column 0): the narrow layout.
    var isNarrowLayout: Bool {
        let t = paneTitles
        guard let a = t[.arpProcess], let b = t[.ipRouteInputSlow], let c = t[.fibLookup], let d = t[.fibValidateSource] else { return false }
        return [a, b, c, d].allSatisfy { $0.col == 0 } && a.row < b.row && b.row < c.row && c.row < d.row
    }

    /// The event log's lines on screen: interface, function and return columns.
    var logLines: [(interface: String, function: String, returnName: String)] {
        guard let heading = lines.firstIndex(where: { $0.hasPrefix(" TIME ") && $0.hasSuffix("RETURN") }) else { return [] }
        return lines[(heading + 1)...].compactMap { line in
            // The time: "14:03:07.123", "2026-12-02 23:59:59.999" or "boot+754.123s".
            guard let m = line.firstMatch(of: #/^ (?:boot\+[0-9.]+s|(?:[0-9]{4}-[0-9]{2}-[0-9]{2} )?[0-9:.]+) +[0-9]+ (\S+) +(\S+) .* (\S+)$/#) else {
                return nil
            }
            return (String(m.1), String(m.2), String(m.3))
        }
    }

    /// The widest line, in cells.
    var maxLineWidth: Int { lines.map(\.count).max() ?? 0 }

    /// What the four panes show: each title's `N calls` and each histogram row's label and count
    /// (an unavailable function's pane has no entry). Nil when a pane is not on screen or an
    /// attached pane's title has no count.
    var numbers: LabRecording.ScreenNumbers? {
        let titles = paneTitles
        guard titles.count == 4 else { return nil }
        var result = LabRecording.ScreenNumbers()
        let grid = lines.map { Array($0) }
        for (f, pos) in titles {
            // The pane spans from its rule's first cell to the next pane title on the same row (or the line's end).
            let right = titles.values.filter { $0.row == pos.row && $0.col > pos.col }.map { $0.col - 1 }.min() ?? Int.max
            func slice(_ r: Int) -> String {
                let chars = grid[r]
                guard pos.col < chars.count else { return "" }
                return String(chars[pos.col..<min(chars.count, right)])
            }
            var pane = LabRecording.PaneNumbers()
            let title = slice(pos.row)
            if let m = title.firstMatch(of: #/ ([0-9,]+) calls /#) {
                pane.calls = Screen.number(m.1)
            } else if title.contains(" unavailable ") {
                continue  // no counts: the pane explains why
            } else {
                return nil
            }
            var r = pos.row + 1
            while r < grid.count, pos.col < grid[r].count, grid[r][pos.col] != "─" {
                let row = slice(r)
                if let m = row.firstMatch(of: #/^ [! ] ([^\s█▉▊▋▌▍▎▏#]+(?: [^\s█▉▊▋▌▍▎▏#]+)*) +[█▉▊▋▌▍▎▏#]* +([0-9,]+) +[0-9]+\.[0-9]%\s*│?\s*$/#) {
                    pane.bars[String(m.1)] = Screen.number(m.2)
                }
                r += 1
            }
            result.panes[f] = pane
        }
        return result
    }

    static func number(_ s: Substring) -> UInt64 { UInt64(s.replacingOccurrences(of: ",", with: "")) ?? .max }
}
