import ArptopCore

/// Builds the verdict parts of the screen model: the verdicts view (exact counts and rates from
/// the aggregator, the top unanswered from the logged packets) and the packet lines of the log.
enum VerdictsAdapter {
    /// How many top unanswered rows the model carries (the view shows what fits).
    static let topRows = 50

    /// The verdicts view through the aggregator's interface filter and clear baseline; `times`
    /// shows when a packet was last seen.
    static func model(aggregator: Aggregator, top: TopUnanswered?, source: ScreenSource, times: EventTimes) -> VerdictsModel {
        if let reason = unavailableReason(aggregator: aggregator, source: source) {
            return VerdictsModel(unavailable: reason)
        }
        func label(_ id: InterfaceID, _ name: String) -> String {
            let known = aggregator.name(of: id)
            return source.namespaces.label(id, name: known.isEmpty ? name : known)
        }
        let rates = aggregator.verdictRates()
        var byInterface: [InterfaceID: (name: String, rows: [VerdictCount])] = [:]
        for row in aggregator.verdictRows() {
            let count = VerdictCount(verdict: row.verdict, reasonName: row.reasonName, count: row.count,
                                     ratePerSecond: rates[row.key] ?? 0)
            byInterface[row.interface, default: (row.ifname, [])].rows.append(count)
        }
        let interfaces = byInterface.map { id, entry in
            // Several keys of one verdict (a renamed interface) are one row.
            var merged: [VerdictCount] = []
            for r in entry.rows {
                if let i = merged.firstIndex(where: { $0.verdict == r.verdict && $0.reasonName == r.reasonName }) {
                    merged[i].count += r.count
                    merged[i].ratePerSecond += r.ratePerSecond
                } else {
                    merged.append(r)
                }
            }
            merged.sort { ($1.count, $0.verdict.code, $0.reasonName) < ($0.count, $1.verdict.code, $1.reasonName) }
            return VerdictInterface(id: id, label: label(id, entry.name), rows: merged)
        }
        .sorted { ($1.unanswered, $1.packets, $0.id.netns, $0.id.ifindex) < ($0.unanswered, $0.packets, $1.id.netns, $1.id.ifindex) }

        let filter = aggregator.interfaceFilter
        let naming = aggregator.naming
        func row(_ e: UnansweredEntry) -> UnansweredRow {
            let shown = label(e.key.interface, e.ifname)
            let reason = e.key.verdict.hasReason ? verdictReasonName(e.key.verdict, e.key.reason, naming: naming) : ""
            let netns = e.key.interface.netns
            let why = e.latest.packet?.why(interface: shown, sender: e.key.sender, target: e.key.target, naming: naming) {
                aggregator.name(of: InterfaceID(netns: netns, ifindex: $0))
            }
            return UnansweredRow(
                key: e.key, target: e.key.target.description, sender: e.key.sender.description, interface: shown,
                verdict: VerdictCount.label(e.key.verdict, reason), count: e.count,
                lastSeen: times.seconds(e.lastSeenNs),
                why: why ?? "not answered: \(e.key.verdict.rawValue)", latestSequence: e.latestSequence)
        }
        let counted = interfaces.reduce(0) { $0 + $1.unanswered }
        return VerdictsModel(
            interfaces: interfaces,
            top: top?.top(topRows, filter: filter).map(row) ?? [],
            unansweredCounted: counted,
            unansweredLogged: top?.packets(filter: filter) ?? 0,
            latest: top?.latest(filter: filter).map(row))
    }

    /// Why the screen can show no verdicts: arp_process is not probed (its status says why),
    /// or the source counted ARP packets but gave no verdict for any (a recording made
    /// without them). Nil when verdicts can be shown (perhaps none yet).
    static func unavailableReason(aggregator: Aggregator, source: ScreenSource) -> String? {
        let status = source.probes.first { $0.function == .arpProcess }
        guard let status, status.isAttached else {
            let why = status?.reason.flatMap { $0.isEmpty ? nil : $0 } ?? "not attached yet"
            return "verdicts need arp_process probed: \(why)"
        }
        guard let latest = aggregator.latest, latest.verdicts.values.allSatisfy({ $0 == 0 }) else { return nil }
        let packets = latest.counts.reduce(UInt64(0)) { $0 + ($1.key.function == .arpProcess ? $1.value : 0) }
        guard packets > 0 else { return nil }
        let what = Format.plural(packets, "ARP packet")
        return source.label != nil
            ? "no verdicts in this recording: it counts \(what) but was made by an arptop without verdicts"
            : "no verdicts: arp_process counted \(what) but the kernel gave a verdict for none"
    }

    // MARK: - Packet lines

    /// An arp_process event as a packet line; nil for the other functions.
    static func packetLine(_ e: ProbeEvent, interface: String, naming: any ReturnValueNaming,
                           interfaceName: (InterfaceID) -> String = { _ in "" }) -> PacketLine? {
        guard e.function == .arpProcess else { return nil }
        guard !e.missingEntry else { return PacketLine(op: "", sender: "", target: "", verdict: nil) }
        let op: String
        switch e.arpOp {
        case 1: op = "request"
        case 2: op = "reply"
        default: op = "op \(e.arpOp)"
        }
        var line = PacketLine(op: op, sender: e.senderIP.description, target: e.targetIP.description, verdict: nil)
        guard let p = e.packet else { return line }
        let reason = p.verdict.hasReason ? verdictReasonName(p.verdict, p.reason, naming: naming) : ""
        line.verdict = p.verdict.rawValue
        line.reason = reason
        line.isUnanswered = p.verdict.isUnanswered
        line.why = p.why(interface: interface, sender: e.senderIP, target: e.targetIP, naming: naming) {
            interfaceName(InterfaceID(netns: e.interface.netns, ifindex: $0))
        }
        line.chain = chain(p, event: e, interface: interface, naming: naming)
        return line
    }

    /// The calls nested in arp_process that decided the packet, in the kernel's order, then the
    /// interface's settings that matter (the non-zero ones).
    static func chain(_ p: PacketVerdict, event e: ProbeEvent, interface: String, naming: any ReturnValueNaming) -> [String] {
        var out: [String] = []
        let f = p.facts
        if f.contains(.malformed) { out.append("arp_process: not an Ethernet/IPv4 ARP header") }
        if f.contains(.routeInput) {
            out.append("ip_route_input_slow returned \(naming.returnName(p.routeReturn, of: .ipRouteInputSlow))")
        }
        if f.contains(.forwardRoute) {
            out.append("fib_lookup, route to \(e.targetIP): \(naming.routeTypeName(p.forwardRouteType))")
        }
        if f.contains(.validate) {
            out.append("fib_validate_source returned \(naming.returnName(p.validateReturn, of: .fibValidateSource))")
        }
        if f.contains(.reverseRoute) {
            let via = p.reverseIfname.isEmpty ? "ifindex \(p.reverseIfindex)" : p.reverseIfname
            out.append("fib_lookup, route back to \(e.senderIP): leaves via \(via)")
        }
        if f.contains(.confirm) {
            out.append("inet_confirm_addr: \(e.targetIP) \(f.contains(.confirmed) ? "found" : "not found") (arp_ignore=\(p.settings.arpIgnore))")
        }
        if f.contains(.filterRoute) {
            out.append(p.filterIfindex == 0 ? "arp_filter: no route back to \(e.senderIP)"
                : "arp_filter: the route back to \(e.senderIP) leaves by ifindex \(p.filterIfindex)")
        }
        if f.contains(.enqueued) { out.append("pneigh_enqueue: proxy reply delayed (proxy_delay=\(p.settings.proxyDelay))") }
        if f.contains(.xmit) { out.append("arp_xmit: reply sent") }
        if f.contains(.neighUpdate) { out.append("neigh_update: neighbour entry of \(e.senderIP) updated") }
        let set = p.settings.named.filter { $0.1 != 0 }.map { "\($0.0)=\($0.1)" }
        let on = interface.isEmpty ? "" : " on \(interface)"
        out.append(set.isEmpty ? "settings\(on): all 0" : "settings\(on): \(set.joined(separator: " ")) (others 0)")
        return out
    }
}

extension PacketLine {
    /// The rows an expanded packet line shows under itself at `width`: its chain of calls and
    /// settings, then the verdict and the why, wrapped.
    public func expandedRows(width: Int) -> [String] {
        var rows = chain
        rows.append("verdict: \(verdictLabel ?? "none (this source gives no verdicts)")")
        if let why { rows += Format.wrap("why: \(why)", width: max(10, width)) }
        return rows
    }
}
