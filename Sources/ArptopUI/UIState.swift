import ArptopCore

/// Everything the screen shows that is not data: focus, pause, zoom, overlays, log
/// scrolling and filter, refresh interval, interface filter. Keys change it through
/// `handle(_:)`; the app feeds new data through `update(_:)`. No terminal needed.
public struct UIState: Sendable {
    public enum Overlay: Equatable, Sendable {
        case help
        case picker(PickerState)
        /// The `/` prompt, with the filter text typed so far (the log is filtered as it is typed).
        case filter(draft: String)
        /// `c` asks before it clears: `y` clears, any other key keeps everything.
        case confirmClear
    }

    /// The refresh intervals `+` and `-` step through.
    public static let refreshSteps: [Double] = [0.1, 0.2, 0.5, 1, 2, 5, 10]

    public private(set) var size: TerminalSize
    /// The newest model from the app.
    public private(set) var live: ScreenModel
    /// The model frozen on screen while paused.
    public private(set) var frozen: ScreenModel? { didSet { refilter() } }
    public private(set) var focus: KernelFunction = .arpProcess
    public private(set) var isZoomed = false
    public private(set) var overlay: Overlay?
    /// The sequence number of the log line at the bottom of the view; nil while following the tail.
    public private(set) var logAnchor: UInt64?
    /// The confirmed log filter (`/` text, `e` errors only); while the prompt is up the draft
    /// applies instead (`shownFilter`).
    public private(set) var filter = LogFilter()
    /// The model on screen (frozen or live) through `shownFilter`: kept, not recomputed per key.
    private var shown: ScreenModel
    public private(set) var refreshInterval: Double
    /// The interfaces shown: the model's (the picker asks for a change with a command).
    public var interfaceFilter: InterfaceFilter { live.interfaceFilter }
    /// What the log lists (`l` switches): every call, or the ARP packets with their verdicts.
    public private(set) var logMode: LogMode = .calls
    /// Packet mode: the selected packet line (its sequence number); nil: none, following.
    public private(set) var packetCursor: UInt64?
    /// Packet mode: the selected line shows its chain of calls under it (Enter).
    public private(set) var isChainShown = false
    /// The verdicts view (`v`) is up in place of the four panes.
    public private(set) var showsVerdicts = false
    /// In the verdicts view, what the arrows move (Tab switches): the top unanswered table or the log.
    public enum VerdictsFocus: Sendable, Equatable { case table, log }
    public private(set) var verdictsFocus: VerdictsFocus = .table
    /// The selected row of the top unanswered table (by key: rows move as counts change).
    public private(set) var selectedUnanswered: UnansweredKey?

    public init(model: ScreenModel, size: TerminalSize, refreshInterval: Double = 1) {
        self.live = model
        self.shown = model
        self.size = size
        self.refreshInterval = min(max(refreshInterval, Self.refreshSteps.first!), Self.refreshSteps.last!)
    }

    // MARK: - Derived

    /// What the screen draws: the frozen model while paused, else the live one, with only the
    /// log lines (and top unanswered rows) the filter keeps.
    public var displayedModel: ScreenModel { shown }
    /// The frozen or live model, with every line: what the filter's "N of M" counts from.
    public var unfilteredModel: ScreenModel { frozen ?? live }
    public var isPaused: Bool { frozen != nil }
    public var isFollowingLog: Bool { logAnchor == nil }
    /// Whether an overlay (help, picker, filter prompt, clear question) is up: it takes every
    /// key, so the app must not act on one itself (replay's `.`, `<`, `>` are typed text there).
    public var overlayOwnsKeys: Bool { overlay != nil }
    /// Calls counted since the screen was paused (0 when not paused).
    public var eventsSincePause: UInt64 {
        guard let frozen else { return 0 }
        let now = live.header.totalEvents, then = frozen.header.totalEvents
        return now > then ? now - then : 0
    }
    public var layout: Layout { Layout.compute(size: size, zoomed: isZoomed, model: displayedModel, verdicts: showsVerdicts) }
    /// The log lines of the current mode: every call, or the packets.
    public var logLines: LogLines { logMode == .calls ? displayedModel.log.lines : displayedModel.log.packets }
    /// The selected top unanswered row, if it is still in the table.
    public var selectedUnansweredRow: UnansweredRow? {
        guard let key = selectedUnanswered else { return nil }
        return displayedModel.verdicts.top.first { $0.key == key }
    }
    /// Whether the arrows move the top unanswered selection (verdicts view, table focused).
    var arrowsMoveTable: Bool { showsVerdicts && verdictsFocus == .table }
    /// The filter the log shows through: the confirmed one, with the text being typed instead
    /// while the `/` prompt is up.
    public var shownFilter: LogFilter {
        guard case .filter(let draft) = overlay else { return filter }
        return LogFilter(text: draft, errorsOnly: filter.errorsOnly)
    }
    /// The filter text shown lines are highlighted with (empty: none).
    public var highlightQuery: String { shownFilter.text }
    /// The log lines the filter keeps, of those held, in the current mode (`N of M lines`).
    public var filterCounts: (shown: Int, held: Int) {
        let all = unfilteredModel.log
        return (logLines.count, logMode == .calls ? all.lines.count : all.packets.count)
    }

    /// Index range (into `logLines`) of the log lines visible in `viewport` rows.
    public func visibleLogRange(viewport: Int) -> Range<Int> {
        logWindow(viewport: viewport, width: logWidth).range
    }

    /// What the log shows in `viewport` rows of `width` columns: the lines, the selected packet
    /// line (packet mode) and the rows of its chain when expanded (they take rows from the lines).
    public struct LogWindow: Equatable, Sendable {
        /// Index range into `logLines`.
        public var range: Range<Int>
        /// Index of the selected packet line, when it is in the log.
        public var cursor: Int?
        /// The expanded chain's rows, drawn under the cursor line.
        public var expanded: [String]
    }

    public func logWindow(viewport: Int, width: Int) -> LogWindow {
        let lines = logLines
        guard viewport > 0, !lines.isEmpty else { return LogWindow(range: 0..<0, cursor: nil, expanded: []) }
        var cursor: Int?
        if logMode == .packets, let c = packetCursor, case let i = lowerBound(c), i < lines.count, lines[i].sequence == c { cursor = i }
        var expanded: [String] = []
        if isChainShown, let c = cursor, let packet = lines[c].packet {
            expanded = packet.expandedRows(width: Self.expandedWidth(logWidth: width))
            let room = max(0, viewport - 1)  // the line itself stays
            if expanded.count > room {
                // The verdict and the why first; then the calls that fit, and how many do not.
                let tail = Array(expanded.dropFirst(packet.chain.count))
                let chainRoom = room - tail.count
                if chainRoom <= 0 {
                    expanded = Array(tail.prefix(room))
                } else {
                    let hidden = packet.chain.count - (chainRoom - 1)
                    expanded = Array(packet.chain.prefix(chainRoom - 1))
                        + ["\(hidden) more \(hidden == 1 ? "row" : "rows") (a taller terminal shows them)"] + tail
                }
            }
        }
        let n = viewport - expanded.count
        var bottom = lines.count - 1
        if let anchor = logAnchor {
            bottom = max(min(lines.count - 1, lowerBound(anchor)), min(n - 1, lines.count - 1))
        }
        if let c = cursor {
            if c > bottom { bottom = c } else if c < bottom - n + 1 { bottom = min(lines.count - 1, c + n - 1) }
        }
        return LogWindow(range: max(0, bottom - n + 1)..<(bottom + 1), cursor: cursor, expanded: expanded)
    }

    /// Columns an expanded chain row has in a log `logWidth` wide (it is indented under its line).
    static func expandedWidth(logWidth: Int) -> Int { max(10, logWidth - 8) }

    private var logLayout: Layout { Layout.compute(size: size, zoomed: false, model: displayedModel, verdicts: showsVerdicts) }
    private var viewport: Int { logLayout.logViewportHeight }
    private var logWidth: Int { logLayout.log.width }

    /// The first index whose sequence is ≥ `sequence` (count when none).
    private func lowerBound(_ sequence: UInt64) -> Int {
        let lines = logLines
        var lo = 0, hi = lines.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lines[mid].sequence < sequence { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    // MARK: - Feeding

    /// Take a new model from the app. While paused the screen keeps the frozen one.
    public mutating func update(_ model: ScreenModel) {
        live = model
        if frozen == nil { refilter() }
        if case .picker(var p) = overlay {
            p.clampCursor(rows: p.rows(in: live.interfaces, namespaces: live.namespaces).count)
            overlay = .picker(p)
        }
    }

    public mutating func resize(to size: TerminalSize) { self.size = size }

    /// Recompute what is shown from the frozen or live model and the filter.
    private mutating func refilter() {
        shown = shownFilter.apply(to: frozen ?? live, memo: filteredLines)
    }

    /// What the filter kept of the last model's lines (a copy of the state shares it: a memo,
    /// whose answers depend only on the lines and the filter given).
    private let filteredLines = FilteredLines.Memo()

    /// The filter (or its draft) changed: show it from the newest line; keep the selected
    /// packet only when it is still shown.
    private mutating func filterChanged() {
        refilter()
        logAnchor = nil
        if let c = packetCursor, !shown.log.packets.contains(where: { $0.sequence == c }) {
            packetCursor = nil
            isChainShown = false
        }
        if logMode == .packets, packetCursor != nil { pinLogView() }
    }

    // MARK: - Keys

    /// Apply one key press. Never touches the terminal.
    public mutating func handle(_ key: Key) -> HandlerResult {
        if case .resize(let s) = key {
            size = s
            return .redraw
        }
        if key == .control("c") || key == .function(10) { return .quit }
        if key == .control("l") { return .redraw }  // the terminal repaints everything on Ctrl-L
        switch overlay {
        case .help: return handleHelp(key)
        case .picker(let p): return handlePicker(key, p)
        case .filter(let draft): return handleFilter(key, draft)
        case .confirmClear: return handleConfirmClear(key)
        case nil: return handleMain(key)
        }
    }

    private mutating func handleMain(_ key: Key) -> HandlerResult {
        switch key {
        case .character("q"): return .quit
        case .character("?"), .character("h"), .function(1):
            overlay = .help
            return .redraw
        case .character(" "), .character("p"):
            frozen = frozen == nil ? live : nil
            return .redraw
        case .character("i"):
            overlay = .picker(PickerState(interfaces: live.interfaces, filter: interfaceFilter))
            return .redraw
        case .character("v"):
            showsVerdicts.toggle()
            isZoomed = false
            verdictsFocus = .table
            return .redraw
        case .character("l"):
            logMode = logMode == .calls ? .packets : .calls
            packetCursor = nil
            isChainShown = false
            return .redraw
        case .tab, .backTab:
            if showsVerdicts {
                verdictsFocus = verdictsFocus == .table ? .log : .table
                return .redraw
            }
            return setFocus(KernelFunction(rawValue: (focus.rawValue + (key == .tab ? 1 : 3)) % 4)!)
        case .character(let ch) where ("1"..."4").contains(ch):
            showsVerdicts = false
            return setFocus(KernelFunction(rawValue: Int(String(ch))! - 1)!)
        case .enter:
            if arrowsMoveTable { return showSelectedUnansweredPacket() }
            if logMode == .packets, packetCursor != nil {
                isChainShown.toggle()
                return .redraw
            }
            if showsVerdicts { return .ignored }
            isZoomed.toggle()
            return .redraw
        case .escape:
            if isZoomed { isZoomed = false; return .redraw }
            if arrowsMoveTable, selectedUnanswered != nil { selectedUnanswered = nil; return .redraw }
            if isChainShown { isChainShown = false; return .redraw }
            if packetCursor != nil { packetCursor = nil; logAnchor = nil; return .redraw }
            if !filter.text.isEmpty { filter.text = ""; filterChanged(); return .redraw }
            if filter.errorsOnly { filter.errorsOnly = false; filterChanged(); return .redraw }
            if showsVerdicts { showsVerdicts = false; return .redraw }
            return .ignored
        case .up, .down, .pageUp, .pageDown, .home, .end:
            if isZoomed { return .ignored }
            if arrowsMoveTable { return moveTableSelection(key) }
            if logMode == .packets { return movePacketCursor(key) }
            return scrollLog(key)
        case .character("/"):
            isZoomed = false
            overlay = .filter(draft: filter.text)  // edit the filter in place
            return .redraw
        case .character("e"):
            filter.errorsOnly.toggle()
            filterChanged()
            return .redraw
        case .character("c"):
            overlay = .confirmClear
            return .redraw
        case .character("+"), .character("="): return stepRefresh(up: true)
        case .character("-"), .character("_"): return stepRefresh(up: false)
        default: return .ignored
        }
    }

    /// Calls mode: the arrows, page and Home/End keys scroll the log.
    private mutating func scrollLog(_ key: Key) -> HandlerResult {
        switch key {
        case .up: return scroll(by: -1)
        case .down: return scroll(by: 1)
        case .pageUp: return scroll(by: -max(1, viewport - 1))
        case .pageDown: return scroll(by: max(1, viewport - 1))
        case .home:
            let lines = logLines
            guard viewport > 0, lines.count > viewport else { return .ignored }
            logAnchor = lines[viewport - 1].sequence
            return .redraw
        default:
            logAnchor = nil
            return .redraw
        }
    }

    /// Packet mode: the arrows move the selected line (the first press selects the newest line
    /// in view); the view scrolls to keep it in sight and stops following. Down past the newest
    /// line, or End, drops the selection and follows again.
    private mutating func movePacketCursor(_ key: Key) -> HandlerResult {
        let lines = logLines
        guard !lines.isEmpty, viewport > 0 else { return key == .end ? endFollow() : .ignored }
        let window = logWindow(viewport: viewport, width: logWidth)
        let page = max(1, window.range.count - 1)
        let current = window.cursor
        var target: Int
        switch key {
        case .up: target = current.map { $0 - 1 } ?? (window.range.upperBound - 1)
        case .down:
            guard let c = current else { return .ignored }
            target = c + 1
        case .pageUp: target = (current ?? window.range.upperBound - 1) - page
        case .pageDown:
            guard let c = current else { return .ignored }
            target = c + page
        case .home: target = 0
        default: return endFollow()
        }
        if target >= lines.count { return endFollow() }
        target = max(0, target)
        if target == current { return .ignored }
        packetCursor = lines[target].sequence
        pinLogView()
        return .redraw
    }

    /// Keeps the view where the window puts it (the cursor in sight): no more following.
    private mutating func pinLogView() {
        let window = logWindow(viewport: viewport, width: logWidth)
        guard !window.range.isEmpty else { return }
        logAnchor = logLines[window.range.upperBound - 1].sequence
    }

    private mutating func endFollow() -> HandlerResult {
        packetCursor = nil
        isChainShown = false
        logAnchor = nil
        return .redraw
    }

    /// The verdicts view's table: the arrows select a row (the first press the busiest).
    private mutating func moveTableSelection(_ key: Key) -> HandlerResult {
        let rows = displayedModel.verdicts.top
        guard !rows.isEmpty else { return .ignored }
        let current = selectedUnanswered.flatMap { key in rows.firstIndex { $0.key == key } }
        var target: Int
        switch key {
        case .up: target = current.map { $0 - 1 } ?? 0
        case .down: target = current.map { $0 + 1 } ?? 0
        case .pageUp: target = (current ?? 0) - 10
        case .pageDown: target = (current ?? 0) + 10
        case .home: target = 0
        default: target = rows.count - 1
        }
        target = max(0, min(rows.count - 1, target))
        if target == current { return .ignored }
        selectedUnanswered = rows[target].key
        return .redraw
    }

    /// Enter on a top unanswered row: the log, in packet mode, on that row's latest packet with
    /// its chain shown (when the log still holds it).
    private mutating func showSelectedUnansweredPacket() -> HandlerResult {
        guard let row = selectedUnansweredRow, let sequence = row.latestSequence,
              displayedModel.log.packets.contains(where: { $0.sequence == sequence }) else { return .ignored }
        logMode = .packets
        verdictsFocus = .log
        packetCursor = sequence
        isChainShown = true
        pinLogView()
        return .redraw
    }

    private mutating func setFocus(_ f: KernelFunction) -> HandlerResult {
        focus = f
        return .redraw
    }

    private mutating func stepRefresh(up: Bool) -> HandlerResult {
        let steps = Self.refreshSteps
        let next = up ? steps.first { $0 > refreshInterval + 1e-9 } : steps.last { $0 < refreshInterval - 1e-9 }
        guard let next else { return .ignored }
        refreshInterval = next
        return .command(.setRefreshInterval(next))
    }

    /// Move the bottom of the log view by `delta` lines (negative: back in time).
    /// Scrolling back stops following; reaching the newest line follows again.
    private mutating func scroll(by delta: Int) -> HandlerResult {
        let lines = logLines
        let vp = viewport
        let range = visibleLogRange(viewport: vp)
        guard vp > 0, !range.isEmpty, lines.count > vp else { return .ignored }
        let bottom = range.upperBound - 1
        let minBottom = vp - 1
        let newBottom = min(lines.count - 1, max(minBottom, bottom + delta))
        if newBottom == lines.count - 1 && delta > 0 {
            logAnchor = nil
        } else if newBottom != bottom {
            logAnchor = lines[newBottom].sequence
        } else {
            return .ignored
        }
        return .redraw
    }

    /// Any key closes the help, as it says (`q` too: quitting needs a second `q`).
    private mutating func handleHelp(_ key: Key) -> HandlerResult {
        overlay = nil
        return .redraw
    }

    /// `y` clears; any other key (n, Esc, q, ...) closes the question and keeps everything.
    private mutating func handleConfirmClear(_ key: Key) -> HandlerResult {
        overlay = nil
        guard key == .character("y") || key == .character("Y") else { return .redraw }
        if let f = frozen { frozen = f.cleared() }
        logAnchor = nil
        packetCursor = nil
        isChainShown = false
        selectedUnanswered = nil
        return .command(.clear)
    }

    /// The `/` prompt: every key is text (`.`, `<`, `>`, `q`, `e` too); the log is filtered as
    /// it is typed. Enter keeps the filter (empty: none), Esc goes back to the one before.
    private mutating func handleFilter(_ key: Key, _ draft: String) -> HandlerResult {
        let next: String
        switch key {
        case .escape:
            overlay = nil
            filterChanged()
            return .redraw
        case .enter:
            overlay = nil
            filter.text = draft
            filterChanged()
            return .redraw
        case .backspace, .delete: next = String(draft.dropLast())
        case .control("u"): next = ""
        case .character(let ch): next = draft + String(ch)
        default: return .ignored
        }
        overlay = .filter(draft: next)
        filterChanged()
        return .redraw
    }

    private mutating func handlePicker(_ key: Key, _ picker: PickerState) -> HandlerResult {
        var p = picker
        let rows = p.rows(in: live.interfaces, namespaces: live.namespaces)
        switch key {
        case .escape:
            overlay = nil
            return .redraw
        case .enter:
            overlay = nil
            guard p.selection != p.initialSelection else { return .redraw }
            let all = Set(live.interfaces.map(\.id))
            let filter: InterfaceFilter = p.selection.isEmpty || p.selection.isSuperset(of: all) ? .all : .interfaces(p.selection)
            guard filter != interfaceFilter else { return .redraw }
            logAnchor = nil
            packetCursor = nil
            isChainShown = false
            return .command(.setInterfaceFilter(filter))
        case .up: p.cursor -= 1
        case .down: p.cursor += 1
        case .pageUp: p.cursor -= 10
        case .pageDown: p.cursor += 10
        case .home: p.cursor = 0
        case .end: p.cursor = rows.count - 1
        case .character(" "):
            guard rows.indices.contains(p.cursor) else { return .ignored }
            let id = rows[p.cursor].id
            if p.selection.contains(id) { p.selection.remove(id) } else { p.selection.insert(id) }
        case .control("a"):
            p.selection = Set(live.interfaces.map(\.id))
        case .character("a") where p.filterText.isEmpty:
            p.selection = Set(live.interfaces.map(\.id))
        case .backspace, .delete:
            guard !p.filterText.isEmpty else { return .ignored }
            p.filterText.removeLast()
            p.cursor = 0
        case .control("u"):
            p.filterText = ""
            p.cursor = 0
        case .character(let ch):
            p.filterText.append(ch)
            p.cursor = 0
        default:
            return .ignored
        }
        p.clampCursor(rows: p.rows(in: live.interfaces, namespaces: live.namespaces).count)
        overlay = .picker(p)
        return .redraw
    }
}

/// The interface picker's own state: what is typed, where the cursor is, what is ticked.
public struct PickerState: Equatable, Sendable {
    public var filterText = ""
    /// Index into the filtered rows.
    public var cursor = 0
    public var selection: Set<InterfaceID>
    /// The selection when the picker opened: Enter without a change keeps the old filter.
    public let initialSelection: Set<InterfaceID>

    public init(interfaces: [InterfaceCount], filter: InterfaceFilter) {
        // Showing everything opens with nothing ticked (= all): type a name, space, Enter
        // picks just that interface.
        let ids = filter.isAll ? [] : interfaces.filter { filter.matches($0.id) }.map(\.id)
        selection = Set(ids)
        initialSelection = selection
    }

    /// The interfaces listed: those matching the typed text (as listed, `vb@t1`, or the netns
    /// inode), busiest first.
    public func rows(in interfaces: [InterfaceCount], namespaces: NamespaceNames = NamespaceNames()) -> [InterfaceCount] {
        interfaces
            .filter { $0.label(namespaces).containsIgnoringCase(filterText) || String($0.id.netns).contains(filterText) }
            .sorted { ($0.count, $1.name, $1.id) > ($1.count, $0.name, $0.id) }
    }

    mutating func clampCursor(rows: Int) {
        cursor = max(0, min(cursor, rows - 1))
    }
}

extension InterfaceCount {
    /// `va`, `vb@t1`: the interface as the log, the picker and the zoom spell it.
    func label(_ namespaces: NamespaceNames) -> String { namespaces.label(id, name: name) }
}
