import ArptopUI
import CNcurses
import Glibc

/// Why the live screen cannot start: one line the CLI prints as `arptop: <description>`.
public enum TerminalError: Error, CustomStringConvertible, Equatable {
    case stdoutNotATerminal
    case stdinNotATerminal
    case termUnset
    case dumbTerminal
    case unknownTerminal(String)

    public var description: String {
        switch self {
        case .stdoutNotATerminal:
            "stdout is not a terminal: the live screen needs one (use --json or --summary to write to a pipe or file)"
        case .stdinNotATerminal:
            "stdin is not a terminal: the live screen reads keys from it (use --json or --summary when not interactive)"
        case .termUnset:
            "TERM is not set, so the live screen cannot be drawn (set TERM, e.g. TERM=xterm-256color, or use --json or --summary)"
        case .dumbTerminal:
            "TERM=dumb cannot show the live screen (use a terminal such as xterm-256color, or --json or --summary)"
        case .unknownTerminal(let term):
            "no terminal description for TERM=\(term) (install ncurses-term, or set TERM=xterm-256color)"
        }
    }
}

/// The terminal in curses mode: the only ncurses user. Flushes rendered `CellGrid`s,
/// reads keys without blocking, and puts the terminal back on every way out: `restore()`,
/// `deinit`, `atexit`, and fatal signals (SIGSEGV, SIGILL, SIGABRT, …).
///
/// Typical loop: `poll()` on `inputFileDescriptor` and the ring buffer's epoll fd with the
/// refresh timeout; on input (or EINTR: a SIGWINCH) call `readKeys()` and hand each key to
/// `UIState.handle`; then `draw(Renderer.render(state, glyphs: terminal.glyphs))`.
public final class TerminalScreen {
    public struct Options: Sendable {
        /// Draw with ASCII even when the locale is UTF-8.
        public var forceASCII = false
        /// No colour even when the terminal has it (`NO_COLOR` in the environment does the same).
        public var monochrome = false
        public init(forceASCII: Bool = false, monochrome: Bool = false) {
            self.forceASCII = forceASCII
            self.monochrome = monochrome
        }
    }

    /// The glyph set the renderer must use: Unicode when the locale's codeset is UTF-8.
    public let glyphs: Glyphs
    /// Whether roles are drawn in colour (else with bold/dim/reverse/underline only).
    public let usesColor: Bool
    /// The file descriptor keys arrive on: poll it for `POLLIN`.
    public let inputFileDescriptor: Int32 = STDIN_FILENO

    private let palette: Palette
    private var previous: CellGrid?

    /// Check that the live screen can start, without touching the terminal: stdout and stdin
    /// are terminals and TERM names a real one. The CLI may call this before loading probes.
    /// - Throws: `TerminalError`.
    public static func preflight() throws {
        guard isatty(STDOUT_FILENO) == 1 else { throw TerminalError.stdoutNotATerminal }
        guard isatty(STDIN_FILENO) == 1 else { throw TerminalError.stdinNotATerminal }
        guard let term = getenv("TERM").map({ String(cString: $0) }), !term.isEmpty else { throw TerminalError.termUnset }
        guard term != "dumb" else { throw TerminalError.dumbTerminal }
    }

    /// Enter curses mode (alternate screen, raw keys, hidden cursor).
    /// - Throws: `TerminalError` when stdout/stdin are not terminals or TERM is unset, dumb or unknown.
    /// Wraps `setlocale`, `newterm`, `raw`, `keypad`, `nodelay`, `start_color`.
    public init(options: Options = Options()) throws {
        try Self.preflight()
        let utf8 = cncurses_setup_locale() == 1
        glyphs = utf8 && !options.forceASCII ? .unicode : .ascii
        cncurses_install_crash_handlers()
        guard cncurses_start() == 0 else {
            throw TerminalError.unknownTerminal(getenv("TERM").map { String(cString: $0) } ?? "")
        }
        let noColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        usesColor = !options.monochrome && !noColor && cncurses_start_color() == 1
        palette = Palette(color: usesColor)
    }

    deinit { Self.restore() }

    /// Leave curses mode and put the terminal back as it was. Idempotent; safe to call from
    /// a signal handler, an error path and `atexit` alike (an atomic flag makes it run once).
    /// Wraps `endwin`.
    public static func restore() { cncurses_restore() }

    /// Whether curses mode is on (false after `restore()`).
    public static var isActive: Bool { cncurses_is_active() == 1 }

    /// The terminal's size now.
    public var size: TerminalSize {
        var rows: Int32 = 0, cols: Int32 = 0
        cncurses_size(&rows, &cols)
        return TerminalSize(rows: Int(rows), cols: Int(cols))
    }

    /// Show `grid`: cells that changed since the last draw are written, then one refresh.
    /// A grid of another size than the terminal is clipped. Wraps `mvwadd_wch`, `doupdate`.
    public func draw(_ grid: CellGrid) {
        guard Self.isActive else { return }
        let screen = size
        let full = previous.map { $0.size != grid.size } ?? true
        if full { cncurses_erase() }
        let rows = min(grid.rows, screen.rows), cols = min(grid.cols, screen.cols)
        var chars = [wchar_t](repeating: 0, count: 5)
        for r in 0..<rows {
            for c in 0..<cols {
                let cell = grid[r, c]
                if cell.isContinuation { continue }
                if !full, let prev = previous, prev[r, c] == cell, c + 1 >= cols || prev[r, c + 1] == grid[r, c + 1] { continue }
                var n: Int32 = 0
                for scalar in cell.character.unicodeScalars.prefix(5) {
                    chars[Int(n)] = wchar_t(bitPattern: scalar.value)
                    n += 1
                }
                if cell.character.terminalWidth == 2 && c + 1 >= cols { chars[0] = 0x20; n = 1 }
                let (attrs, pair) = palette.attributes(cell.style)
                _ = cncurses_put(Int32(r), Int32(c), chars, n, attrs, pair)
            }
        }
        _ = cncurses_refresh()
        previous = grid
    }

    /// Repaint everything on the next `draw` (after something else wrote to the terminal).
    public func invalidate() {
        previous = nil
        cncurses_invalidate()
    }

    /// The next key, or nil when none is waiting (never blocks). `KEY_RESIZE` comes back as
    /// `.resize` with the new size. Wraps `wget_wch`.
    public func readKey() -> Key? {
        while true {
            var value: UInt32 = 0
            switch cncurses_read(&value) {
            case 0: return nil
            case 2:
                if Int32(bitPattern: value) == cncurses_key_resize() {
                    invalidate()
                    return .resize(size)
                }
                if let key = KeyDecoder.keyCode(Int32(bitPattern: value)) { return key }
            default:
                if let key = KeyDecoder.character(value) {
                    if key == .control("l") { invalidate() }  // Ctrl-L: repaint the whole screen
                    return key
                }
            }
            // Something we do not use (a mouse event, an unknown sequence): read on.
        }
    }

    /// Every key waiting now (drains the input so poll() will not report stale data).
    public func readKeys() -> [Key] {
        var keys: [Key] = []
        while let k = readKey() { keys.append(k) }
        return keys
    }
}

/// Turns what `wget_wch` returns into `Key`s. Pure, so it is testable without a terminal.
public enum KeyDecoder {
    /// A character from `wget_wch` (rc == OK).
    public static func character(_ value: UInt32) -> Key? {
        switch value {
        case 10, 13: return .enter
        case 27: return .escape
        case 9: return .tab
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(value + 96)!))
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// A function-key code from `wget_wch` (rc == KEY_CODE_YES), except KEY_RESIZE.
    public static func keyCode(_ code: Int32) -> Key? {
        switch code {
        case cncurses_key_up(): return .up
        case cncurses_key_down(): return .down
        case cncurses_key_left(): return .left
        case cncurses_key_right(): return .right
        case cncurses_key_ppage(): return .pageUp
        case cncurses_key_npage(): return .pageDown
        case cncurses_key_home(): return .home
        case cncurses_key_end(): return .end
        case cncurses_key_backspace(): return .backspace
        case cncurses_key_dc(): return .delete
        case cncurses_key_btab(): return .backTab
        case cncurses_key_enter(): return .enter
        default:
            let f = code - cncurses_key_f(0)
            if (1...12).contains(f) { return .function(Int(f)) }
            return nil
        }
    }
}

/// Colour pairs per role, or attribute-only styling for monochrome terminals.
struct Palette {
    let color: Bool
    private let bold = cncurses_attr_bold(), dim = cncurses_attr_dim()
    private let reverse = cncurses_attr_reverse(), underline = cncurses_attr_underline()

    /// (foreground, background) per role; -1 is the terminal's default.
    static func colors(_ role: ColorRole) -> (Int16, Int16) {
        let black: Int16 = 0, red: Int16 = 1, green: Int16 = 2, yellow: Int16 = 3, blue: Int16 = 4, cyan: Int16 = 6
        switch role {
        case .normal, .muted: return (-1, -1)
        case .title: return (cyan, -1)
        case .border: return (blue, -1)
        case .focus: return (yellow, -1)
        case .ok: return (green, -1)
        case .error: return (red, -1)
        case .warning: return (yellow, -1)
        case .spark: return (cyan, -1)
        case .match: return (yellow, black)
        case .selected: return (cyan, black)
        case .paused: return (yellow, black)
        case .key: return (cyan, -1)
        }
    }

    init(color: Bool) {
        self.color = color
        if color {
            for role in ColorRole.allCases {
                let (fg, bg) = Self.colors(role)
                _ = cncurses_init_pair(Int16(role.rawValue) + 1, fg, bg)
            }
        }
    }

    func attributes(_ style: Style) -> (UInt32, Int16) {
        var a: UInt32 = 0
        if style.bold { a |= bold }
        if style.dim || style.role == .muted { a |= dim }
        if style.reverse { a |= reverse }
        if style.underline { a |= underline }
        if color { return (a, Int16(style.role.rawValue) + 1) }
        // Monochrome: what colour would have said, in attributes.
        switch style.role {
        case .title, .focus, .key, .error: a |= bold
        case .warning: a |= bold | underline
        case .match, .selected, .paused: a |= reverse
        default: break
        }
        return (a, 0)
    }
}
