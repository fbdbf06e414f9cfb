import ArptopCore

extension Painter {
    /// The event log: a title rule with totals (dropped and sampled always shown), a column
    /// heading, then one line per event, newest at the bottom.
    mutating func log(_ log: LogModel, state: UIState, wide: Bool, rect: Rect, ruleDrawn: Bool = false) {
        guard rect.height >= 2 else { return }
        let viewport = rect.height - 2
        let range = state.visibleLogRange(viewport: viewport)
        let lines = log.lines
        var info: [Segment] = [
            Segment(" "), Segment(Format.count(log.total), Style(.normal, bold: true)), Segment(" logged  ", Style(.muted)),
            Segment(Format.count(log.dropped), log.dropped > 0 ? Style(.warning, bold: true) : Style(.normal)),
            Segment(" dropped  ", Style(.muted)),
            Segment(Format.count(log.sampled), log.sampled > 0 ? Style(.warning, bold: true) : Style(.normal)),
            Segment(" sampled  ", Style(.muted)),
        ]
        if state.isFollowingLog {
            info.append(Segment("following ", Style(.muted)))
        } else {
            let newer = lines.count - range.upperBound
            info += [Segment("\(glyphs.arrowDown) \(Format.count(newer)) newer ", Style(.warning, bold: true)),
                     Segment("End", Style(.key, bold: true)), Segment(" follow ", Style(.muted))]
        }
        if !ruleDrawn {
            rule(row: rect.row, col: rect.col, width: rect.width, style: Style(.border),
                 title: [Segment(" Event log ", Style(.title, bold: true))], info: info)
        }
        if !ruleDrawn, let notice = log.notice {
            // Its own row under the rule, before the column heading would be: always readable.
            let style = log.noticeIsError ? Style(.error, bold: true) : Style(.warning, bold: true)
            text("\(glyphs.dash) \(notice) \(glyphs.dash)", row: rect.row + 1, col: rect.col + 1, width: rect.width - 2, style: style)
            var rest = log
            rest.notice = nil
            self.log(rest, state: state, wide: wide, rect: Rect(row: rect.row + 1, col: rect.col, height: rect.height - 1, width: rect.width), ruleDrawn: true)
            return
        }

        // Columns sized to what is visible.
        let visible = lines[range]
        let timeW = min(26, max(4, visible.map(\.time.terminalWidth).max() ?? 15))
        let cpuW = max(3, visible.map { String($0.cpu).count }.max() ?? 3)
        let ifW = min(15, max(5, visible.map(\.interface.terminalWidth).max() ?? 5))
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
            let msg = state.interfaceFilter.isAll ? "no events yet" : "no events on the selected interfaces yet"
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
            if line.sequence == state.currentMatch {
                grid.restyle(row: row, col: rect.col, width: rect.width) { $0 = Style(.selected, bold: true, reverse: true) }
            } else {
                highlight(query, row: row, col: x0, width: rect.width - 2, style: Style(.match, bold: true, reverse: true))
            }
        }
    }
}
