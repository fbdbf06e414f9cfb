import ArptopCore

/// A key press, decoded by the terminal (or built by a test).
public enum Key: Hashable, Sendable {
    /// A printable character (letters, digits, space, punctuation).
    case character(Character)
    /// Ctrl plus a letter, lower case: `.control("c")` is Ctrl-C (read as a key: raw mode).
    case control(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, pageUp, pageDown, home, end
    /// F1…F12.
    case function(Int)
    /// The terminal changed size (ncurses' KEY_RESIZE, with the new size).
    case resize(TerminalSize)
}

/// What the app loop must do after a key: like htop's HandlerResult.
public enum HandlerResult: Equatable, Sendable {
    /// The key means nothing in this mode; nothing changed.
    case ignored
    /// The state changed: redraw.
    case redraw
    /// The state changed and the app must act on `command` (then redraw).
    case command(UICommand)
    /// Leave: detach, restore the terminal, exit.
    case quit
}

/// Requests from the UI to the rest of the program (the collector, the refresh timer).
public enum UICommand: Equatable, Sendable {
    /// `c`: reset counts, rates and the log.
    case clear
    /// The picker applied a new interface filter: rebuild the model with it.
    case setInterfaceFilter(InterfaceFilter)
    /// `+`/`-`: refresh the screen (and rates) every `seconds`.
    case setRefreshInterval(Double)
}
