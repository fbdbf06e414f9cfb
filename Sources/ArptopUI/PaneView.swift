import ArptopCore

extension Painter {
    // MARK: - Pane

    /// One function's pane: a title rule (number, name, mechanism; calls and rate on the
    /// right), the last minute's sparkline, then the return-value histogram.
    mutating func pane(_ pane: PaneModel?, function: KernelFunction, focused: Bool, compactNames: Bool, rect: Rect) {
        guard rect.height > 0, rect.width > 4 else { return }
        let ruleStyle = focused ? Style(.focus, bold: true) : Style(.border)
        var title = [Segment(" \(function.rawValue + 1) ", focused ? Style(.focus, bold: true, reverse: true) : Style(.muted)),
                     Segment(" \(function.name) ", Style(focused ? .focus : .title, bold: true))]
        var info: [Segment] = []
        if let pane {
            if let mech = pane.status.mechanismText {
                title.append(Segment(" \(mech) ", Style(.muted)))
                info = [Segment(" "), Segment(Format.count(pane.totalCalls), Style(.normal, bold: true)), Segment(pane.totalCalls == 1 ? " call  " : " calls  ", Style(.muted)),
                        Segment(Format.rate(pane.ratePerSecond), Style(.normal, bold: true)), Segment("/s ", Style(.muted))]
            } else if pane.status.reason?.isEmpty ?? true {
                title.append(Segment(" not attached yet ", Style(.muted)))
            } else {
                title.append(Segment(" unavailable ", Style(.warning, bold: true)))
            }
        }
        rule(row: rect.row, col: rect.col, width: rect.width, style: ruleStyle, title: title, info: info)
        let body = Rect(row: rect.row + 1, col: rect.col + 1, height: rect.height - 1, width: rect.width - 2)
        guard body.height > 0 else { return }
        guard let pane else {
            text("no data", row: body.row, col: body.col, width: body.width, style: Style(.muted))
            return
        }
        guard pane.status.isAttached else {
            unavailable(pane.status, rect: body)
            return
        }
        // The sparkline gives way when the histogram needs its row to show every error.
        let withSparkline = body.height - 1 >= HistogramRow.minimumRows(pane.histogram)
        if withSparkline { sparklineRow(pane, row: body.row, col: body.col, width: body.width) }
        let top = withSparkline ? 1 : 0
        let bars = Rect(row: body.row + top, col: body.col, height: body.height - top, width: body.width)
        histogram(pane.histogram, rect: bars, maxLabelWidth: 22)
    }

    /// Why a function is not probed, wrapped to `width`, then what that means.
    static func unavailableLines(_ status: ProbeStatus, width: Int) -> [String] {
        guard let reason = status.reason, !reason.isEmpty else { return ["waiting for the probe to attach"] }
        return Format.wrap("not attached: \(reason)", width: width) + ["no counts are collected for this function"]
    }

    mutating func unavailable(_ status: ProbeStatus, rect: Rect) {
        let lines = Self.unavailableLines(status, width: rect.width)
        let waiting = status.reason?.isEmpty ?? true
        for (i, line) in lines.prefix(rect.height).enumerated() {
            text(line, row: rect.row + i, col: rect.col, width: rect.width,
                 style: i < lines.count - 1 || waiting ? Style(waiting ? .muted : .warning) : Style(.muted))
        }
    }

    /// "▁▂▅█▇▃ peak 120/s" — newest on the right, at most 60 values.
    mutating func sparklineRow(_ pane: PaneModel, row: Int, col: Int, width: Int) {
        let values = pane.sparkline
        let peak = values.max() ?? 0
        let label = [Segment("  peak ", Style(.muted)), Segment(Format.rate(peak)), Segment("/s", Style(.muted))]
        let room = width - Painter.width(label)
        guard room > 0 else { return }
        let shown = values.suffix(min(60, room))
        var c = col
        for v in shown {
            let style = v > 0 ? Style(.spark) : Style(.muted)
            grid.put(String(glyphs.sparkline(v, maximum: peak)), row: row, col: c, style: style)
            c += 1
        }
        if shown.isEmpty {
            c += text("no rate yet", row: row, col: c, width: room, style: Style(.muted))
        }
        segments(label, row: row, col: c, limit: col + width)
    }

    /// Histogram rows in `rect`: `! LABEL  ████▌   count  share`.
    mutating func histogram(_ bars: [HistogramBar], rect: Rect, maxLabelWidth: Int) {
        guard rect.height > 0 else { return }
        let total = bars.reduce(UInt64(0)) { $0 + $1.count }
        if bars.isEmpty || total == 0 {
            text("no calls yet", row: rect.row, col: rect.col + 2, width: rect.width - 2, style: Style(.muted))
            return
        }
        let rows = HistogramRow.rows(bars, maxRows: rect.height)
        let labelW = min(max(5, rows.map(\.label.terminalWidth).max() ?? 0), maxLabelWidth, max(5, rect.width / 3))
        let countW = rows.map { Format.count($0.count).count }.max() ?? 1
        let shareW = 6
        // marker, space, label, space, bar, space, count, space, share
        let barW = rect.width - (2 + labelW + 1 + 1 + countW + 1 + shareW)
        for (i, r) in rows.enumerated() where i < rect.height {
            let row = rect.row + i
            var c = rect.col
            if r.isError { grid.put(String(glyphs.errorMarker), row: row, col: c, style: Style(.error, bold: true)) }
            c += 2
            let labelStyle = r.isOther ? Style(.muted) : (r.isError ? Style(.error, bold: true) : Style(.normal))
            grid.put(Format.pad(r.label, width: labelW, ellipsis: ellipsis), row: row, col: c, style: labelStyle)
            c += labelW + 1
            let share = Double(r.count) / Double(total)
            if barW >= 3 {
                let barStyle = r.isError ? Style(.error) : (r.isOther ? Style(.muted) : Style(.ok))
                grid.put(glyphs.bar(share, width: barW), row: row, col: c, style: barStyle)
                c += barW + 1
            }
            grid.put(Format.pad(Format.count(r.count), width: countW, ellipsis: ellipsis, alignRight: true), row: row, col: c,
                     style: r.isError ? Style(.error) : Style(.normal))
            c += countW + 1
            grid.put(Format.pad(Format.percent(share), width: shareW, ellipsis: ellipsis, alignRight: true), row: row, col: c,
                     style: Style(.muted))
        }
    }

    // MARK: - Zoom

    /// The focused pane, full screen: mechanism details, a taller rate chart, every
    /// return value, and the per-interface breakdown.
    mutating func zoom(_ pane: PaneModel?, function: KernelFunction, model: ScreenModel, rect: Rect) {
        var title = [Segment(" \(function.rawValue + 1) ", Style(.focus, bold: true, reverse: true)),
                     Segment(" \(function.name) ", Style(.focus, bold: true))]
        if let m = pane?.status.mechanismText { title.append(Segment(" \(m) ", Style(.muted))) }
        rule(row: rect.row, col: rect.col, width: rect.width, style: Style(.focus, bold: true), title: title,
             info: [Segment(" zoom ", Style(.muted)), Segment("Esc", Style(.key, bold: true)), Segment(" back ", Style(.muted))])
        let body = Rect(row: rect.row + 1, col: rect.col + 1, height: rect.height - 1, width: rect.width - 2)
        guard let pane else {
            text("no data", row: body.row, col: body.col, width: body.width, style: Style(.muted))
            return
        }
        guard pane.status.isAttached else {
            unavailable(pane.status, rect: body)
            return
        }
        var r = body.row
        // Attach details.
        var attach = "attached with \(pane.status.mechanism!.rawValue) to \(pane.status.target ?? function.name)"
        if let reason = pane.status.reason, !reason.isEmpty { attach += " (\(reason))" }
        for line in Format.wrap(attach, width: body.width).prefix(2) {
            text(line, row: r, col: body.col, width: body.width, style: Style(.muted))
            r += 1
        }
        // Totals.
        let values = pane.sparkline
        let peak = values.max() ?? 0
        let avg = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        let stats = [Segment("calls ", Style(.muted)), Segment(Format.count(pane.totalCalls), Style(.normal, bold: true)),
                     Segment("   now ", Style(.muted)), Segment(Format.rate(pane.ratePerSecond), Style(.normal, bold: true)), Segment("/s", Style(.muted)),
                     Segment("   peak ", Style(.muted)), Segment(Format.rate(peak)), Segment("/s", Style(.muted)),
                     Segment("   average ", Style(.muted)), Segment(Format.rate(avg)), Segment("/s", Style(.muted)),
                     Segment("   (last \(values.count) s)", Style(.muted))]
        segments(stats, row: r, col: body.col, limit: body.right)
        r += 2
        // A chart 4 to 8 rows tall: what the lists below leave.
        let ifaceCount = pane.interfaces.count
        let listNeed = body.width >= 120
            ? max(pane.histogram.count, ifaceCount) + 1
            : pane.histogram.count + ifaceCount + 3
        let spare = body.bottom - r - 1 - listNeed
        let chartRows = max(0, min(8, max(min(4, body.bottom - r - 6), spare)))
        if chartRows > 0 {
            chart(values, peak: peak, rect: Rect(row: r, col: body.col, height: chartRows, width: body.width))
            r += chartRows + 1
        }
        // Histogram and interfaces: side by side when wide, else stacked.
        let remaining = Rect(row: r, col: body.col, height: body.bottom - r, width: body.width)
        let ifaces = pane.interfaces.sorted { ($0.count, $1.name) > ($1.count, $0.name) }
        let left: Rect, right: Rect
        if remaining.width >= 120 {
            let lw = (remaining.width - 2) / 2
            left = Rect(row: remaining.row, col: remaining.col, height: remaining.height, width: lw)
            right = Rect(row: remaining.row, col: remaining.col + lw + 2, height: remaining.height, width: remaining.width - lw - 2)
        } else {
            let want = HistogramRow.rows(pane.histogram, maxRows: remaining.height).count + 1
            let lh = min(max(2, want), max(2, remaining.height - 3))
            left = Rect(row: remaining.row, col: remaining.col, height: lh, width: remaining.width)
            right = Rect(row: remaining.row + lh + 1, col: remaining.col, height: remaining.height - lh - 1, width: remaining.width)
        }
        section("Return values", count: pane.histogram.count, rect: left)
        histogram(pane.histogram, rect: Rect(row: left.row + 1, col: left.col, height: left.height - 1, width: left.width), maxLabelWidth: 32)
        section("Interfaces", count: ifaces.count, rect: right)
        if ifaces.isEmpty {
            text("no calls yet", row: right.row + 1, col: right.col + 2, width: right.width - 2, style: Style(.muted))
        } else {
            interfaceTable(ifaces, namespaces: model.namespaces, rect: Rect(row: right.row + 1, col: right.col, height: right.height - 1, width: right.width))
        }
    }

    /// Per-interface rows: `! name  ████   count  share  errors`, busiest first; the rest
    /// summed into an "other" row.
    mutating func interfaceTable(_ ifaces: [InterfaceCount], namespaces: NamespaceNames, rect: Rect) {
        guard rect.height > 0 else { return }
        let total = ifaces.reduce(UInt64(0)) { $0 + $1.count }
        var rows = ifaces.map { (label: $0.label(namespaces), count: $0.count, errors: $0.errors) }
        if rows.count > rect.height {
            let rest = rows.dropFirst(rect.height - 1)
            rows = Array(rows.prefix(rect.height - 1))
            rows.append((label: "other (\(rest.count) interfaces)", count: rest.reduce(0) { $0 + $1.count }, errors: rest.reduce(0) { $0 + $1.errors }))
        }
        let labelW = min(max(5, rows.map(\.label.terminalWidth).max() ?? 0), 32, max(5, rect.width / 3))
        let countW = rows.map { Format.count($0.count).count }.max() ?? 1
        let errorTexts = rows.map { $0.errors > 0 ? "\(Format.count($0.errors)) error\($0.errors == 1 ? "" : "s")" : "" }
        let errW = errorTexts.map(\.count).max() ?? 0
        let barW = rect.width - (2 + labelW + 1 + 1 + countW + 1 + 6 + (errW > 0 ? 2 + errW : 0))
        for (i, r) in rows.enumerated() {
            let row = rect.row + i
            var c = rect.col
            if r.errors > 0 { grid.put(String(glyphs.errorMarker), row: row, col: c, style: Style(.error, bold: true)) }
            c += 2
            grid.put(Format.pad(r.label, width: labelW, ellipsis: ellipsis), row: row, col: c)
            c += labelW + 1
            let share = total == 0 ? 0 : Double(r.count) / Double(total)
            if barW >= 3 {
                grid.put(glyphs.bar(share, width: barW), row: row, col: c, style: Style(.spark))
                c += barW + 1
            }
            grid.put(Format.pad(Format.count(r.count), width: countW, ellipsis: ellipsis, alignRight: true), row: row, col: c)
            c += countW + 1
            grid.put(Format.pad(Format.percent(share), width: 6, ellipsis: ellipsis, alignRight: true), row: row, col: c, style: Style(.muted))
            c += 6 + 2
            if !errorTexts[i].isEmpty { text(errorTexts[i], row: row, col: c, width: rect.right - c, style: Style(.error)) }
        }
    }

    private mutating func section(_ name: String, count: Int, rect: Rect) {
        guard rect.height > 0 else { return }
        segments([Segment(name, Style(.title, bold: true)), Segment(" (\(count))", Style(.muted))], row: rect.row, col: rect.col, limit: rect.right)
    }

    /// A bar chart of `values` (newest on the right) `rect.height` rows tall, with the
    /// peak rate labelled on the left.
    mutating func chart(_ values: [Double], peak: Double, rect: Rect) {
        let axisW = 10
        let top = Format.rate(peak) + "/s"
        text(Format.pad(top, width: axisW - 1, ellipsis: ellipsis, alignRight: true), row: rect.row, col: rect.col, width: axisW - 1, style: Style(.muted))
        text(Format.pad("0/s", width: axisW - 1, ellipsis: ellipsis, alignRight: true), row: rect.bottom - 1, col: rect.col, width: axisW - 1, style: Style(.muted))
        let perSample = max(1, min(3, (rect.width - axisW) / 60))
        let shown = values.suffix(min(60, (rect.width - axisW) / perSample))
        let levels = glyphs.sparkLevels.count - 1
        for (i, v) in shown.enumerated() {
            for k in 0..<perSample { chartColumn(v, peak: peak, col: rect.col + axisW + i * perSample + k, rect: rect, levels: levels) }
        }
    }

    private mutating func chartColumn(_ v: Double, peak: Double, col: Int, rect: Rect, levels: Int) {
        // Height in sub-cells: `levels` steps per row.
        let h = peak > 0 && v > 0 ? max(1, Int((v / peak * Double(rect.height * levels)).rounded())) : 0
        for rowFromBottom in 0..<rect.height {
            let filled = h - rowFromBottom * levels
            let row = rect.bottom - 1 - rowFromBottom
            if filled >= levels {
                grid.put(String(glyphs.sparkLevels[levels]), row: row, col: col, style: Style(.spark))
            } else if filled > 0 {
                grid.put(String(glyphs.sparkLevels[filled]), row: row, col: col, style: Style(.spark))
            } else if rowFromBottom == 0 {
                grid.put(String(glyphs.sparkLevels[0]), row: row, col: col, style: Style(.muted))
            }
        }
    }
}
