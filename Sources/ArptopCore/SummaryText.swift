/// The summary as aligned text tables (`--summary`), rendered from the same `SummaryRecord`
/// as the JSON summary so that both always agree.
extension SummaryRecord {
    /// Per function: a header line (`arp_process  (fentry: arp_process)  14 calls`, or
    /// `fib_lookup  unavailable: reason`), then a table of
    /// `interface  netns  ifindex  return  route type  count  share`; then the stream totals.
    public func text() -> String {
        var lines: [String] = []
        for fs in functions {
            if !lines.isEmpty { lines.append("") }
            lines.append(fs.headerLine)
            guard fs.status.isAttached else { continue }
            if fs.rows.isEmpty {
                lines.append("  (no calls)")
                continue
            }
            let header = ["interface", "netns", "ifindex", "return", "route type", "count", "share"]
            let body = fs.rows.map { row in
                [
                    row.ifname.isEmpty ? "-" : row.ifname,
                    String(row.interface.netns),
                    String(row.interface.ifindex),
                    row.returnName == String(row.ret) ? row.returnName : "\(row.returnName) (\(row.ret))",
                    row.routeTypeName ?? "-",
                    String(row.count),
                    Self.percent(row.count, of: fs.calls),
                ]
            }
            let rightAligned = [false, true, true, false, false, true, true]
            lines += Self.table([header] + body, rightAligned: rightAligned).map { "  " + $0 }
        }
        if !verdicts.isEmpty {
            lines.append("")
            let packets = verdicts.reduce(0) { $0 + $1.count }
            lines.append("ARP verdicts  \(packets) \(packets == 1 ? "packet" : "packets")")
            let header = ["interface", "netns", "ifindex", "verdict", "reason", "count", "share"]
            let body = verdicts.map { row in
                [
                    row.ifname.isEmpty ? "-" : row.ifname,
                    String(row.interface.netns),
                    String(row.interface.ifindex),
                    row.verdict.isUnanswered ? "! " + row.verdict.rawValue : row.verdict.rawValue,
                    row.reasonName.isEmpty ? "-" : row.reasonName,
                    String(row.count),
                    Self.percent(row.count, of: packets),
                ]
            }
            lines += Self.table([header] + body, rightAligned: [false, true, true, false, false, true, true]).map { "  " + $0 }
        }
        lines.append("")
        lines.append("events: \(eventsLogged) logged, \(eventsDropped) dropped, \(eventsSampled) sampled")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Cells padded so that columns line up, two spaces apart; no trailing spaces.
    static func table(_ rows: [[String]], rightAligned: [Bool]) -> [String] {
        let widths = rightAligned.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { cells in
            var line = ""
            for (column, cell) in cells.enumerated() {
                if column > 0 { line += "  " }
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                line += rightAligned[column] ? pad + cell : cell + pad
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// "35.7%" (one decimal), "-" when the total is 0.
    static func percent(_ count: UInt64, of total: UInt64) -> String {
        guard total > 0 else { return "-" }
        let tenths = UInt64((Double(count) * 1000 / Double(total)).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}

extension FunctionSummary {
    /// `arp_process  (fentry: arp_process)  14 calls` or `fib_lookup  unavailable: reason`.
    var headerLine: String {
        guard let mechanism = status.mechanism else {
            return "\(function.name)  unavailable: \(status.reason ?? "unknown")"
        }
        let how = status.target.map { "\(mechanism.rawValue): \($0)" } ?? mechanism.rawValue
        return "\(function.name)  (\(how))  \(calls) \(calls == 1 ? "call" : "calls")"
    }
}
