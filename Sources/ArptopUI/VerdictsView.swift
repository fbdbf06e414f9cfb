import ArptopCore

/// The verdicts view (`v`), in place of the four panes: per interface, packets by verdict with
/// rates (unanswered ones marked `!` in the error colour); the top unanswered (target, sender,
/// interface, verdict) from the logged packets; and, on the last row(s), why the selected row's
/// latest packet, else the latest unanswered packet, was not answered.
extension Painter {
    /// Rows of the why at the bottom: one when the sections are side by side (a why fits),
    /// else two (wrapped). Fixed, so the layout does not move with the text.
    static func verdictsWhyRows(width: Int) -> Int { verdictsSideBySide(width: width) ? 1 : 2 }

    /// The interfaces beside the table (from 150 columns: each half then fits its rows), else above it.
    static func verdictsSideBySide(width: Int) -> Bool { width >= 150 }

    /// How the interfaces are listed: every verdict on a row; the answered ones of an
    /// interface summed on one row; one row per interface naming its unanswered verdicts.
    enum InterfaceDetail: CaseIterable { case full, folded, compact }

    /// How the view's rows are shared: the interfaces' detail and rows, the table's rows.
    struct VerdictsPlan: Equatable {
        var detail: InterfaceDetail
        var interfaceRows: Int
        var tableRows: Int
        /// Rows used, rule and why included.
        var height: Int
    }

    /// Rows the interfaces take at `detail` (at least one: "no ARP packets yet").
    static func interfaceRows(_ v: VerdictsModel, _ detail: InterfaceDetail) -> Int {
        guard !v.interfaces.isEmpty else { return 1 }
        switch detail {
        case .full: return v.interfaces.reduce(0) { $0 + 1 + $1.rows.count }
        case .folded:
            return v.interfaces.reduce(0) { sum, i in
                let answered = i.rows.filter { !$0.isUnanswered }.count
                return sum + 1 + i.rows.count - answered + min(1, answered)
            }
        case .compact: return v.interfaces.count
        }
    }

    /// The plan for at most `height` rows at `width`: the most interface detail that leaves the
    /// table its title, heading and up to 3 rows; the table then gets up to 10 rows. The
    /// layout asks with its budget and gives the view what the plan uses.
    static func verdictsPlan(_ v: VerdictsModel, width: Int, height: Int) -> VerdictsPlan {
        let why = verdictsWhyRows(width: width)
        let content = max(0, height - 1 - why)
        let tableWant = 2 + max(1, min(10, v.top.count))
        let tableMin = min(tableWant, 2 + min(3, max(1, v.top.count)))
        let wide = verdictsSideBySide(width: width)
        // Side by side, the interfaces have a title row and the whole height.
        let room = wide ? content - 1 : content - tableMin
        let detail = InterfaceDetail.allCases.first { interfaceRows(v, $0) <= room } ?? .compact
        let rows = min(interfaceRows(v, detail), max(0, room))
        let table = wide ? min(tableWant, content) : min(tableWant, content - rows)
        let used = wide ? max(1 + rows, table) : rows + table
        return VerdictsPlan(detail: detail, interfaceRows: rows, tableRows: max(0, table), height: 1 + used + why)
    }

    /// Rows the view takes when `budget` rows are free (see `verdictsPlan`).
    static func verdictsHeight(_ v: VerdictsModel, width: Int, budget: Int) -> Int {
        if let reason = v.unavailable { return 1 + Format.wrap(reason, width: max(1, width - 2)).count }
        return verdictsPlan(v, width: width, height: budget).height
    }

    mutating func verdicts(_ v: VerdictsModel, state: UIState, rect: Rect) {
        guard rect.height > 0, rect.width > 4 else { return }
        let tableFocused = state.verdictsFocus == .table
        let title = [Segment(" v ", tableFocused ? Style(.focus, bold: true, reverse: true) : Style(.muted)),
                     Segment(" verdicts ", Style(tableFocused ? .focus : .title, bold: true)),
                     Segment(" what the kernel did with each ARP packet ", Style(.muted))]
        var info: [Segment] = []
        if v.unavailable == nil {
            info = [Segment(" "), Segment(Format.count(v.packets), Style(.normal, bold: true)),
                    Segment(v.packets == 1 ? " packet  " : " packets  ", Style(.muted)),
                    Segment(Format.count(v.unanswered), v.unanswered > 0 ? Style(.error, bold: true) : Style(.normal, bold: true)),
                    Segment(" unanswered  ", Style(.muted)),
                    Segment(Format.rate(v.ratePerSecond), Style(.normal, bold: true)), Segment("/s ", Style(.muted))]
        }
        rule(row: rect.row, col: rect.col, width: rect.width, style: tableFocused ? Style(.focus, bold: true) : Style(.border),
             title: title, info: info)
        let body = Rect(row: rect.row + 1, col: rect.col + 1, height: rect.height - 1, width: rect.width - 2)
        guard body.height > 0 else { return }
        if let reason = v.unavailable {
            for (i, line) in Format.wrap(reason, width: body.width).prefix(body.height).enumerated() {
                text(line, row: body.row + i, col: body.col, width: body.width, style: Style(.warning, bold: true))
            }
            return
        }
        let whyRows = min(Self.verdictsWhyRows(width: rect.width), max(0, body.height - 1))
        let plan = Self.verdictsPlan(v, width: rect.width, height: rect.height)
        let content = Rect(row: body.row, col: body.col, height: body.height - whyRows, width: body.width)
        if Self.verdictsSideBySide(width: rect.width) {
            let lw = (content.width - 3) / 2
            let left = Rect(row: content.row, col: content.col, height: content.height, width: lw)
            let right = Rect(row: content.row, col: content.col + lw + 3, height: content.height, width: content.width - lw - 3)
            for r in content.row..<content.bottom {
                grid.put(String(glyphs.vertical), row: r, col: content.col + lw + 1, style: Style(.border))
            }
            if left.height > 0 {
                segments([Segment("Interfaces", Style(.title, bold: true)), Segment(" (\(v.interfaces.count))", Style(.muted))],
                         row: left.row, col: left.col, limit: left.right)
                verdictInterfaces(v, detail: plan.detail,
                                  rect: Rect(row: left.row + 1, col: left.col, height: min(plan.interfaceRows, left.height - 1), width: left.width))
            }
            topUnanswered(v, state: state, rect: right)
        } else {
            let used = verdictInterfaces(v, detail: plan.detail,
                                         rect: Rect(row: content.row, col: content.col, height: plan.interfaceRows, width: content.width))
            topUnanswered(v, state: state, rect: Rect(row: content.row + used, col: content.col,
                                                       height: content.height - used, width: content.width))
        }
        if whyRows > 0 {
            verdictsWhy(v, state: state, rect: Rect(row: content.bottom, col: body.col, height: whyRows, width: body.width))
        }
    }

    /// The interfaces with their verdicts at `detail` (see `verdictsPlan`); when even one row
    /// per interface does not fit, those that fit and how many more. Returns the rows used.
    @discardableResult
    mutating func verdictInterfaces(_ v: VerdictsModel, detail level: InterfaceDetail, rect: Rect) -> Int {
        guard rect.height > 0 else { return 0 }
        if v.interfaces.isEmpty {
            text("no ARP packets yet", row: rect.row, col: rect.col + 2, width: rect.width - 2, style: Style(.muted))
            return 1
        }
        typealias Row = (label: String, count: UInt64, rate: Double, unanswered: Bool, folded: Bool)
        func full(_ i: VerdictInterface) -> [Row] {
            i.rows.map { (label: $0.label, count: $0.count, rate: $0.ratePerSecond, unanswered: $0.isUnanswered, folded: false) }
        }
        func folded(_ i: VerdictInterface) -> [Row] {
            let answered = i.rows.filter { !$0.isUnanswered }
            var rows = i.rows.filter(\.isUnanswered).map {
                (label: $0.label, count: $0.count, rate: $0.ratePerSecond, unanswered: true, folded: false)
            }
            if answered.count == 1 {
                rows.append((label: answered[0].label, count: answered[0].count, rate: answered[0].ratePerSecond, unanswered: false, folded: false))
            } else if answered.count > 1 {
                rows.append((label: "answered (\(answered.map(\.verdict.rawValue).joined(separator: ", ")))",
                             count: answered.reduce(0) { $0 + $1.count }, rate: answered.reduce(0) { $0 + $1.ratePerSecond },
                             unanswered: false, folded: true))
            }
            return rows
        }
        let detail: [[Row]]?
        switch level {
        case .full: detail = v.interfaces.map(full)
        case .folded: detail = v.interfaces.map(folded)
        case .compact: detail = nil
        }
        let shown = detail == nil && v.interfaces.count > rect.height ? max(0, rect.height - 1) : v.interfaces.count
        // Columns shared by every verdict row: label, bar, count, share, rate.
        let all = (detail ?? []).flatMap { $0 }
        let labelW = min(max(7, all.map(\.label.terminalWidth).max() ?? 0), 30, max(7, (rect.width - 4) / 2))
        let countW = max(1, all.map { Format.count($0.count).count }.max() ?? 1)
        let rateW = max(3, all.map { Format.rate($0.rate).count }.max() ?? 3) + 2
        let barW = rect.width - (4 + labelW + 1 + 1 + countW + 1 + 6 + 1 + rateW)
        var r = rect.row
        for (index, i) in v.interfaces.prefix(shown).enumerated() where r < rect.bottom {
            if i.unanswered > 0 { grid.put(String(glyphs.errorMarker), row: r, col: rect.col, style: Style(.error, bold: true)) }
            var head = [Segment(i.label, Style(.title, bold: true)), Segment("  "),
                        Segment(Format.plural(i.packets, "packet"), Style(.normal, bold: true)), Segment("  "),
                        Segment("\(Format.count(i.unanswered)) unanswered", i.unanswered > 0 ? Style(.error, bold: true) : Style(.muted))]
            // The rate only whole (a cut number would mislead).
            let rate = [Segment("  "), Segment(Format.rate(i.ratePerSecond)), Segment("/s", Style(.muted))]
            if Painter.width(head + rate) <= rect.width - 2 { head += rate }
            if detail == nil, i.unanswered > 0 {
                let which = i.rows.filter(\.isUnanswered).map { "\($0.label) \(Format.count($0.count))" }.joined(separator: ", ")
                head += [Segment(": ", Style(.muted)), Segment(which, Style(.error))]
            }
            segments(head, row: r, col: rect.col + 2, limit: rect.right)
            r += 1
            guard let detail else { continue }
            let total = i.packets
            for row in detail[index] where r < rect.bottom {
                var c = rect.col + 2
                if row.unanswered { grid.put(String(glyphs.errorMarker), row: r, col: c, style: Style(.error, bold: true)) }
                c += 2
                let labelStyle = row.unanswered ? Style(.error, bold: true) : (row.folded ? Style(.muted) : Style(.normal))
                grid.put(Format.pad(row.label, width: labelW, ellipsis: ellipsis), row: r, col: c, style: labelStyle)
                c += labelW + 1
                let share = total == 0 ? 0 : Double(row.count) / Double(total)
                if barW >= 3 {
                    grid.put(glyphs.bar(share, width: barW), row: r, col: c, style: row.unanswered ? Style(.error) : Style(.ok))
                    c += barW + 1
                }
                grid.put(Format.pad(Format.count(row.count), width: countW, ellipsis: ellipsis, alignRight: true), row: r, col: c,
                         style: row.unanswered ? Style(.error) : Style(.normal))
                c += countW + 1
                grid.put(Format.pad(Format.percent(share), width: 6, ellipsis: ellipsis, alignRight: true), row: r, col: c, style: Style(.muted))
                c += 7
                text(Format.pad(Format.rate(row.rate) + "/s", width: rateW, ellipsis: ellipsis, alignRight: true),
                     row: r, col: c, width: min(rateW, rect.right - c), style: Style(.muted))
                r += 1
            }
        }
        if shown < v.interfaces.count, r < rect.bottom {
            let rest = v.interfaces.dropFirst(shown)
            let unanswered = rest.reduce(UInt64(0)) { $0 + $1.unanswered }
            text("\(glyphs.ellipsis) \(Format.plural(rest.count, "more interface")) (\(Format.count(unanswered)) unanswered)",
                 row: r, col: rect.col + 2, width: rect.width - 2, style: unanswered > 0 ? Style(.error) : Style(.muted))
            r += 1
        }
        return r - rect.row
    }

    /// The top unanswered table: title (and what it is built from), heading, rows; the
    /// selected row highlighted and kept in view.
    mutating func topUnanswered(_ v: VerdictsModel, state: UIState, rect: Rect) {
        guard rect.height > 0 else { return }
        // With a filter text only the rows it matches: "(2 of 7)", and the filter beside it.
        let query = state.shownFilter.text
        let count = query.isEmpty ? "\(v.top.count)" : "\(v.top.count) of \(state.unfilteredModel.verdicts.top.count)"
        var title = [Segment("Top unanswered", Style(.title, bold: true)), Segment(" (\(count))", Style(.muted))]
        if !query.isEmpty { title += [Segment(" filter: ", Style(.muted)), Segment(query, Style(.match, bold: true))] }
        title += [
                     Segment(v.unansweredCounted == 0 && v.unansweredLogged == 0 ? "  from the logged packets" : "  from the log: ", Style(.muted))]
        if v.unansweredCounted == 0 && v.unansweredLogged == 0 {
            // nothing to qualify yet
        } else if v.unansweredNotLogged > 0 {
            title += [Segment("\(Format.count(v.unansweredLogged)) of \(Format.count(v.unansweredCounted)) packets, ", Style(.muted)),
                      Segment("\(Format.count(v.unansweredNotLogged)) sampled out", Style(.warning, bold: true))]
        } else {
            title.append(Segment(v.unansweredLogged == 1 ? "the 1 packet" : "all \(Format.count(v.unansweredLogged)) packets", Style(.muted)))
        }
        segments(title, row: rect.row, col: rect.col, limit: rect.right)
        guard rect.height > 1 else { return }
        let rows = v.top
        let listTop = rect.row + 2
        let listH = rect.bottom - listTop
        let selected = state.selectedUnanswered.flatMap { key in rows.firstIndex { $0.key == key } }
        let first = selected.map { max(0, min($0 - listH + 1, rows.count - listH)) } ?? 0
        let visible = listH > 0 ? Array(rows.dropFirst(first).prefix(listH)) : []
        var targetW = max(6, visible.map(\.target.count).max() ?? 0)
        var senderW = max(6, visible.map(\.sender.count).max() ?? 0)
        var ifaceW = min(16, max(5, visible.map(\.interface.terminalWidth).max() ?? 0))
        var verdictW = min(28, max(7, visible.map(\.verdict.count).max() ?? 0))
        let countW = max(5, visible.map { Format.count($0.count).count }.max() ?? 0)
        // "14:12:33", or with the date on another day ("2026-12-02 23:59:59"), or "boot+754s".
        let lastW = min(19, max(9, visible.map(\.lastSeen.count).max() ?? 0))
        // Shrink the widest text columns first when the row does not fit.
        while targetW + senderW + ifaceW + verdictW + countW + lastW + 5 > rect.width {
            if verdictW > 12 { verdictW -= 1 } else if ifaceW > 5 { ifaceW -= 1 } else if senderW > 7 { senderW -= 1 }
            else if targetW > 7 { targetW -= 1 } else { break }
        }
        func line(_ cells: [String]) -> String {
            Format.pad(cells[0], width: targetW, ellipsis: ellipsis) + " " + Format.pad(cells[1], width: senderW, ellipsis: ellipsis) + " "
                + Format.pad(cells[2], width: ifaceW, ellipsis: ellipsis) + " " + Format.pad(cells[3], width: verdictW, ellipsis: ellipsis) + " "
                + Format.pad(cells[4], width: countW, ellipsis: ellipsis, alignRight: true) + " " + Format.pad(cells[5], width: lastW, ellipsis: ellipsis)
        }
        text(line(["TARGET", "SENDER", "IFACE", "VERDICT", "COUNT", "LAST SEEN"]), row: rect.row + 1, col: rect.col,
             width: rect.width, style: Style(.muted, bold: true))
        guard listH > 0 else { return }
        if rows.isEmpty {
            let msg = !query.isEmpty && !state.unfilteredModel.verdicts.top.isEmpty ? "no unanswered row matches \"\(query)\" (Esc clears the filter)"
                : v.unansweredCounted > 0
                ? "\(Format.plural(v.unansweredCounted, "unanswered packet")) counted, none in the log (sampled or dropped)"
                : "no unanswered packets"
            text(msg, row: listTop, col: rect.col, width: rect.width, style: Style(.muted))
            return
        }
        let verdictCol = rect.col + targetW + senderW + ifaceW + 3
        for (offset, row) in visible.enumerated() {
            let r = listTop + offset
            let isSelected = first + offset == selected
            text(line([row.target, row.sender, row.interface, row.verdict, Format.count(row.count), row.lastSeen]),
                 row: r, col: rect.col, width: rect.width)
            grid.restyle(row: r, col: verdictCol, width: verdictW) { $0 = Style(.error) }
            if isSelected {
                let focused = state.verdictsFocus == .table
                grid.restyle(row: r, col: rect.col, width: rect.width) { $0 = Style(.selected, bold: true, reverse: focused) }
            }
        }
        if first > 0 { grid.put(glyphs.arrowUp, row: listTop, col: rect.right - 1, style: Style(.muted)) }
        if first + listH < rows.count { grid.put(glyphs.arrowDown, row: rect.bottom - 1, col: rect.right - 1, style: Style(.muted)) }
    }

    /// The why of the selected row's latest packet, else of the latest unanswered packet.
    mutating func verdictsWhy(_ v: VerdictsModel, state: UIState, rect: Rect) {
        let prefix: String, why: String
        if let row = state.selectedUnansweredRow {
            prefix = "why: "
            why = row.why
        } else if let latest = v.latest {
            prefix = "latest unanswered (\(latest.lastSeen)): "
            why = latest.why
        } else {
            let none = state.shownFilter.text.isEmpty ? "no unanswered packet in the log on these interfaces"
                : "no unanswered packet in the log matches the filter"
            text(none, row: rect.row, col: rect.col, width: rect.width, style: Style(.muted))
            return
        }
        var lines = Format.wrap(prefix + why, width: rect.width)
        if lines.count > rect.height, rect.height > 0 {
            // The rest on the last row, cut with an ellipsis.
            let last = lines[(rect.height - 1)...].joined(separator: " ")
            lines = Array(lines.prefix(rect.height - 1)) + [Format.truncate(last, width: rect.width, ellipsis: ellipsis)]
        }
        for (i, line) in lines.enumerated() {
            text(line, row: rect.row + i, col: rect.col, width: rect.width, style: Style(.normal, bold: true))
        }
        grid.restyle(row: rect.row, col: rect.col, width: min(prefix.terminalWidth, rect.width)) { $0 = Style(.muted) }
    }
}
