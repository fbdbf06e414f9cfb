/// The Prometheus text exposition format (version 0.0.4) of arptop's counters, for
/// node_exporter's textfile collector (`--prometheus-textfile`):
///
/// ```
/// # HELP arptop_calls_total Calls of a probed kernel function, ...
/// # TYPE arptop_calls_total counter
/// arptop_calls_total{function="fib_lookup",interface="va",netns="4026531840",ifindex="3",result="0",route_type="RTN_LOCAL"} 5
/// # HELP arptop_probe_attached ...
/// # TYPE arptop_probe_attached gauge
/// arptop_probe_attached{function="arp_process",mechanism="fentry"} 1
/// ...
/// ```
///
/// Counts are the kernel's exact cumulative counts since the probes attached (a "clear" in
/// the UI does not reset them); the interface filter applies to `arptop_calls_total` only,
/// since the stream counters are kept by the kernel for all interfaces. No timestamps: the
/// textfile collector refuses them.
public enum PrometheusText {
    /// The exposition of `aggregator`'s latest snapshot: rows through its interface filter,
    /// counted since attach. Every function gets an `arptop_probe_attached` sample, in pane
    /// order (one missing from `probes` is `mechanism="unavailable"`); `running: false` (the
    /// last write, as arptop exits) sets them all to 0. `startTime` is Unix time in seconds.
    public static func render(aggregator: Aggregator, probes: [ProbeStatus], startTime: Double, running: Bool = true) -> String {
        let rows = KernelFunction.allCases.flatMap { aggregator.rows(of: $0, scope: .sinceAttach) }
        return render(rows: rows, probes: probes, stats: aggregator.stats(scope: .sinceAttach),
                      startTime: startTime, running: running, verdicts: aggregator.verdictRows(scope: .sinceAttach))
    }

    /// The exposition of already named count rows. Rows that end up with the same labels
    /// (two return values with one name) are summed: a series must appear once.
    public static func render(rows: [CountRow], probes: [ProbeStatus], stats: StreamStats, startTime: Double, running: Bool = true,
                              verdicts: [VerdictRow] = []) -> String {
        var out = ""

        family(&out, "arptop_calls_total", .counter,
               "Calls of a probed kernel function per network namespace, interface and decoded return value (result), exact, counted in the kernel since the probes attached; fib_lookup successes carry the route type when known.")
        samples(&out, "arptop_calls_total", rows.map { row in
            var labels: [(String, String)] = [
                ("function", row.function.name),
                ("interface", row.ifname),
                ("netns", String(row.interface.netns)),
                ("ifindex", String(row.interface.ifindex)),
                ("result", row.returnName),
            ]
            if let routeType = row.routeTypeName { labels.append(("route_type", routeType)) }
            return (labels, row.count)
        })

        if !verdicts.isEmpty {
            family(&out, "arptop_arp_verdicts_total", .counter,
                   "ARP packets per network namespace, interface and verdict (what the kernel did with them: replied, not_local, rp_filter, ...), exact, counted in the kernel since the probes attached.")
            samples(&out, "arptop_arp_verdicts_total", verdicts.map { row in
                var labels: [(String, String)] = [
                    ("interface", row.ifname), ("netns", String(row.interface.netns)),
                    ("ifindex", String(row.interface.ifindex)), ("verdict", row.verdict.rawValue),
                ]
                if row.verdict.hasReason { labels.append(("reason", row.reasonName)) }
                return (labels, row.count)
            })
        }

        family(&out, "arptop_probe_attached", .gauge,
               "1 while the function is probed with this mechanism; 0 when it is unavailable on this kernel or arptop has exited.")
        for function in KernelFunction.allCases {
            let status = probes.first { $0.function == function }
            let mechanism = status?.mechanism?.rawValue ?? "unavailable"
            let value: UInt64 = running && status?.isAttached == true ? 1 : 0
            sample(&out, "arptop_probe_attached" + labelSet([("function", function.name), ("mechanism", mechanism)]), value)
        }

        family(&out, "arptop_events_submitted_total", .counter,
               "Event log records the kernel put into the ring buffer (all interfaces).")
        sample(&out, "arptop_events_submitted_total", stats.submitted)
        family(&out, "arptop_events_dropped_total", .counter,
               "Event log records lost because the ring buffer was full; their calls are still counted.")
        sample(&out, "arptop_events_dropped_total", stats.dropped)
        family(&out, "arptop_events_sampled_total", .counter,
               "Event log records left out by the --log-rate limit; their calls are still counted.")
        sample(&out, "arptop_events_sampled_total", stats.sampled)
        family(&out, "arptop_calls_uncounted_total", .counter,
               "Calls that could not be counted because the kernel's count map was full (should stay 0).")
        sample(&out, "arptop_calls_uncounted_total", stats.countFailed)
        family(&out, "arptop_program_runs_missed_total", .counter,
               "Runs of arptop's BPF programs the kernel skipped (another BPF program on that CPU, recursion protection): those calls are in no count.")
        sample(&out, "arptop_program_runs_missed_total", stats.missed)
        family(&out, "arptop_program_runs_missed_exact", .gauge,
               "1 when this kernel counts every skipped run (kprobe/tracepoint skips are counted from Linux 6.7, trampoline skips from 5.12); 0 when the counts are lower bounds.")
        sample(&out, "arptop_program_runs_missed_exact", stats.missedExact ? 1 : 0)

        family(&out, "arptop_start_time_seconds", .gauge,
               "Unix time when the probes attached: the counters started at 0 then.")
        out += "arptop_start_time_seconds \(seconds(startTime))\n"
        return out
    }

    // MARK: Format

    enum MetricType: String {
        case counter, gauge
    }

    /// A label value with backslash, double quote and line feed escaped.
    /// One sample per label set, in first-seen order: rows that end up with the same labels (two
    /// values with one name) are summed, saturating, since a series must appear once.
    static func samples(_ out: inout String, _ metric: String, _ rows: [([(String, String)], UInt64)]) {
        var order: [String] = []
        var sums: [String: UInt64] = [:]
        for (labels, count) in rows {
            let series = metric + labelSet(labels)
            if let sum = sums[series] {
                sums[series] = sum.addingSaturated(count)
            } else {
                order.append(series)
                sums[series] = count
            }
        }
        for series in order { sample(&out, series, sums[series]!) }
    }

    static func escapeLabelValue(_ value: String) -> String {
        escape(value, quote: true)
    }

    /// HELP text with backslash and line feed escaped.
    static func escapeHelp(_ text: String) -> String {
        escape(text, quote: false)
    }

    private static func escape(_ text: String, quote: Bool) -> String {
        guard text.contains(where: { $0 == "\\" || $0 == "\n" || $0 == "\r\n" || (quote && $0 == "\"") }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"" where quote: out += "\\\""
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `{a="x",b="y"}`.
    static func labelSet(_ labels: [(String, String)]) -> String {
        "{" + labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
    }

    private static func family(_ out: inout String, _ name: String, _ type: MetricType, _ help: String) {
        out += "# HELP \(name) \(escapeHelp(help))\n# TYPE \(name) \(type.rawValue)\n"
    }

    private static func sample(_ out: inout String, _ series: String, _ value: UInt64) {
        out += "\(series) \(value)\n"
    }

    /// Unix seconds with millisecond precision, never in exponent notation ("1715000000.125").
    static func seconds(_ time: Double) -> String {
        guard time.isFinite, time > 0 else { return "0" }
        let ms = UInt64(min((time * 1000).rounded(), Double(UInt64.max / 2)))
        let fraction = String(ms % 1000)
        return "\(ms / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
