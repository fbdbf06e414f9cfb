import ArptopCore

extension Painter {
    /// The event log: a title rule with totals (dropped and sampled always shown; the header
    /// shows them too), a column heading, then one line per event (per packet in packet mode),
    /// newest at the bottom. With a filter the rule says so instead: `filter: TEXT`, `errors/
    /// unanswered only`, `N of M lines`. `verdictsUnavailable` says why packet mode can show no verdicts.
    mutating func log(_ log: LogModel, state: UIState, wide: Bool, rect: Rect, ruleDrawn: Bool = false,
                      verdictsUnavailable: String? = nil) {
        guard rect.height >= 2 else { return }
        let viewport = rect.height - 2
        let window = state.logWindow(viewport: viewport, width: rect.width)
        let range = window.range
        let lines = state.logLines
        let filter = state.shownFilter
        var info: [Segment]
        if filter.isActive {
            // The filter's room: the header row above still shows dropped and sampled.
            let counts = state.filterCounts
            info = [Segment(" "), Segment(Format.count(UInt64(counts.shown)), Style(.match, bold: true)),
                    Segment(" of \(Format.plural(counts.held, state.logMode == .calls ? "line" : "packet"))  ", Style(.muted))]
        } else {
            info = [
                Segment(" "), Segment(Format.count(log.total), Style(.normal, bold: true)), Segment(" logged  ", Style(.muted)),
                Segment(Format.count(log.dropped), log.dropped > 0 ? Style(.warning, bold: true) : Style(.normal)),
                Segment(" dropped  ", Style(.muted)),
                Segment(Format.count(log.sampled), log.sampled > 0 ? Style(.warning, bold: true) : Style(.normal)),
                Segment(" sampled  ", Style(.muted)),
            ]
        }
        if state.isFollowingLog {
            info.append(Segment("following ", Style(.muted)))
        } else {
            let newer = lines.count - range.upperBound
            if newer > 0 {  // (none: a packet selected on the newest line holds the view)
                info.append(Segment("\(glyphs.arrowDown) \(Format.count(newer)) newer ", Style(.warning, bold: true)))
            }
            info += [Segment("End", Style(.key, bold: true)), Segment(" follow ", Style(.muted))]
        }
        if !ruleDrawn {
            let focused = state.showsVerdicts && state.verdictsFocus == .log
            var title = [Segment(" Event log ", Style(focused ? .focus : .title, bold: true))]
            if state.logMode == .packets { title.append(Segment(" packets ", Style(.key, bold: true, reverse: true))) }
            if !filter.text.isEmpty {
                title += [Segment(" filter: ", Style(.muted)), Segment(filter.text, Style(.match, bold: true)), Segment(" ")]
            }
            if filter.errorsOnly {
                title += [Segment(" errors/unanswered only ", Style(.warning, bold: true, reverse: true)), Segment(" ")]
            }
            rule(row: rect.row, col: rect.col, width: rect.width, style: focused ? Style(.focus, bold: true) : Style(.border),
                 title: title, info: info)
        }
        if !ruleDrawn, let notice = log.notice {
            // Its own row under the rule, before the column heading would be: always readable.
            let style = log.noticeIsError ? Style(.error, bold: true) : Style(.warning, bold: true)
            text("\(glyphs.dash) \(notice) \(glyphs.dash)", row: rect.row + 1, col: rect.col + 1, width: rect.width - 2, style: style)
            var rest = log
            rest.notice = nil
            self.log(rest, state: state, wide: wide, rect: Rect(row: rect.row + 1, col: rect.col, height: rect.height - 1, width: rect.width),
                     ruleDrawn: true, verdictsUnavailable: verdictsUnavailable)
            return
        }
        if state.logMode == .packets {
            packetLines(lines, window: window, state: state, rect: rect, verdictsUnavailable: verdictsUnavailable)
            return
        }

        // Columns sized to what is visible.
        let visible = lines[range]
        let timeW = min(26, max(4, visible.map(\.time.terminalWidth).max() ?? 15))
        let cpuW = max(3, visible.map { String($0.cpu).count }.max() ?? 3)
        // `eth0@4026532289` (an unnamed namespace) fits narrow; wide leaves room for longer names.
        let ifW = min(wide ? 24 : 15, max(5, visible.map(\.interface.terminalWidth).max() ?? 5))
        let fnW = wide ? 19 : 13
        let retW = min(20, max(6, visible.map(\.returnName.terminalWidth).max() ?? 6)) + 2
        let x0 = rect.col + 1
        let detailsCol = x0 + timeW + 1 + cpuW + 1 + ifW + 1 + fnW + 1
        let retCol = rect.right - 1 - retW
        let detailsW = retCol - 1 - detailsCol

        let headRow = rect.row + 1
        let heading = Format.pad("TIME", width: timeW, ellipsis: ellipsis) + " " + Format.pad("CPU", width: cpuW, ellipsis: ellipsis, alignRight: true)
            + " " + Format.pad("IFACE", width: ifW, ellipsis: ellipsis) + " " + Format.pad("FUNCTION", width: fnW, ellipsis: ellipsis)
        text(heading, row: headRow, col: x0, width: rect.width - 2, style: Style(.muted, bold: true))
        if detailsW > 0 { text("DETAILS", row: headRow, col: detailsCol, width: detailsW, style: Style(.muted, bold: true)) }
        text("RETURN", row: headRow, col: retCol + 2, width: retW - 2, style: Style(.muted, bold: true))

        if lines.isEmpty {
            let msg = filter.isActive && !state.unfilteredModel.log.lines.isEmpty ? Self.noMatch(filter, what: "line")
                : state.interfaceFilter.isAll ? "no events yet" : "no events on the selected interfaces yet"
            text(msg, row: rect.row + 2, col: x0, width: rect.width - 2, style: Style(.muted))
            return
        }
        let query = state.highlightQuery
        for (i, line) in visible.enumerated() {
            let row = rect.row + 2 + i
            let fn = wide ? line.function.name : line.function.shortName
            let lead = Format.pad(line.time, width: timeW, ellipsis: ellipsis) + " "
                + Format.pad(String(line.cpu), width: cpuW, ellipsis: ellipsis, alignRight: true) + " "
                + Format.pad(line.interface, width: ifW, ellipsis: ellipsis) + " " + Format.pad(fn, width: fnW, ellipsis: ellipsis)
            text(lead, row: row, col: x0, width: rect.width - 2)
            if detailsW > 0 { text(line.details, row: row, col: detailsCol, width: detailsW) }
            if line.isError {
                grid.put(String(glyphs.errorMarker), row: row, col: retCol, style: Style(.error, bold: true))
            }
            text(line.returnName, row: row, col: retCol + 2, width: retW - 2, style: line.isError ? Style(.error, bold: true) : Style(.ok))
            highlight(query, row: row, col: x0, width: rect.width - 2, style: Style(.match, bold: true, reverse: true))
        }
    }
}

extension Painter {
    /// Packet mode: one line per ARP packet (time, interface, op, sender -> target, verdict,
    /// why), the selected one highlighted, its chain expanded under it on Enter.
    mutating func packetLines(_ lines: LogLines, window: UIState.LogWindow, state: UIState, rect: Rect, verdictsUnavailable: String?) {
        let visible = lines[window.range]
        let packets = visible.map { $0.packet ?? PacketLine(op: "", sender: "", target: "", verdict: nil) }
        let timeW = min(26, max(4, visible.map(\.time.terminalWidth).max() ?? 15))
        let ifW = min(rect.width >= 120 ? 24 : 15, max(5, visible.map(\.interface.terminalWidth).max() ?? 5))
        let opW = max(2, packets.map(\.op.count).max() ?? 7)
        let verdictW = min(20, max(7, packets.map { ($0.verdict ?? "no verdict").count }.max() ?? 7))
        let x0 = rect.col + 1
        let opCol = x0 + timeW + 1 + ifW + 1
        let addrCol = opCol + opW + 1
        // The addresses give way (cut with an ellipsis) before the verdict does.
        let addrRoom = rect.right - 1 - addrCol - 1 - 2 - verdictW
        let addrW = max(8, min(addrRoom, max(16, packets.map { $0.op.isEmpty ? 0 : $0.sender.count + 4 + $0.target.count }.max() ?? 16)))
        let verdictCol = addrCol + addrW + 1
        let whyCol = verdictCol + 2 + verdictW + 1
        let whyW = rect.right - 1 - whyCol

        let headRow = rect.row + 1
        let heading = Format.pad("TIME", width: timeW, ellipsis: ellipsis) + " " + Format.pad("IFACE", width: ifW, ellipsis: ellipsis) + " "
            + Format.pad("OP", width: opW, ellipsis: ellipsis) + " " + Format.pad("SENDER -> TARGET", width: addrW, ellipsis: ellipsis) + "   "
            + Format.pad("VERDICT", width: verdictW, ellipsis: ellipsis) + (whyW >= 8 ? " WHY" : "")
        text(heading, row: headRow, col: x0, width: rect.width - 2, style: Style(.muted, bold: true))

        if lines.isEmpty {
            let msg: String
            if let why = verdictsUnavailable, why.hasPrefix("verdicts need") {
                msg = "no packets: \(why)"
            } else if state.shownFilter.isActive, !state.unfilteredModel.log.packets.isEmpty {
                msg = Self.noMatch(state.shownFilter, what: "packet")
            } else {
                msg = state.interfaceFilter.isAll ? "no ARP packets yet" : "no ARP packets on the selected interfaces yet"
            }
            text(msg, row: rect.row + 2, col: x0, width: rect.width - 2, style: Style(verdictsUnavailable == nil ? .muted : .warning))
            return
        }
        let query = state.highlightQuery
        var row = rect.row + 2
        for (i, line) in visible.enumerated() where row < rect.bottom {
            let index = window.range.lowerBound + i
            let p = packets[i]
            let lead = Format.pad(line.time, width: timeW, ellipsis: ellipsis) + " " + Format.pad(line.interface, width: ifW, ellipsis: ellipsis) + " "
                + Format.pad(p.op, width: opW, ellipsis: ellipsis) + " "
            text(lead, row: row, col: x0, width: rect.width - 2)
            text(p.op.isEmpty ? p.summary : "\(p.sender) -> \(p.target)", row: row, col: addrCol, width: min(addrW, rect.right - 1 - addrCol))
            if p.isUnanswered { grid.put(String(glyphs.errorMarker), row: row, col: verdictCol, style: Style(.error, bold: true)) }
            let verdictStyle = p.verdict == nil ? Style(.muted) : (p.isUnanswered ? Style(.error, bold: true) : Style(.ok))
            text(p.verdict ?? "no verdict", row: row, col: verdictCol + 2, width: min(verdictW, rect.right - 1 - verdictCol - 2), style: verdictStyle)
            if whyW >= 8, let why = p.shortWhy { text(why, row: row, col: whyCol, width: whyW) }
            if index == window.cursor {
                grid.restyle(row: row, col: rect.col, width: rect.width) { $0 = Style(.selected, bold: true, reverse: true) }
            } else {
                highlight(query, row: row, col: x0, width: rect.width - 2, style: Style(.match, bold: true, reverse: true))
            }
            row += 1
            guard index == window.cursor else { continue }
            var pastVerdict = false
            for (k, detail) in window.expanded.enumerated() where row < rect.bottom {
                let glyph = k == window.expanded.count - 1 ? glyphs.treeLast : glyphs.treeBranch
                grid.put(String(glyph), row: row, col: x0 + 4, style: Style(.border))
                // The calls and settings muted; the verdict in its colour; the why stands out.
                let style: Style
                if detail.hasPrefix("verdict: ") {
                    style = p.isUnanswered ? Style(.error, bold: true) : Style(.ok, bold: true)
                    pastVerdict = true
                } else {
                    style = pastVerdict ? Style(.normal, bold: true) : Style(.muted)
                }
                text(detail, row: row, col: x0 + 6, width: rect.right - 1 - (x0 + 6), style: style)
                row += 1
            }
        }
    }

    /// What an empty filtered log says: which filter hid every line, and the way back.
    static func noMatch(_ filter: LogFilter, what: String) -> String {
        var why: [String] = []
        if !filter.text.isEmpty { why.append("matches \"\(filter.text)\"") }
        if filter.errorsOnly { why.append("is an error or unanswered") }
        return "no \(what) \(why.joined(separator: " and ")) (Esc clears the filter)"
    }
}
