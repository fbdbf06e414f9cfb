#!/usr/bin/python3
"""Turns the raw facts written by Tests/bench/guest-bench.sh into the tables of BENCHMARKS.md.
Usage: analyze.py OUT_DIR   (prints Markdown on stdout)"""
import json, os, re, statistics, sys

OUT = sys.argv[1]
FUNCS = ["arp_process", "ip_route_input_slow", "fib_lookup", "fib_validate_source"]
ARPTOP_PROG = re.compile(r"_(fentry|fexit|kprobe|kretprobe|tp)$")


def path(name):
    return os.path.join(OUT, name)


def read(name):
    with open(path(name)) as f:
        return f.read()


def kv(name):
    d = {}
    for tok in read(name).split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            try:
                d[k] = float(v)
            except ValueError:
                d[k] = v
    return d


def progs(name):
    try:
        return {p["id"]: p for p in json.loads(read(name))}
    except (OSError, ValueError):
        return {}


def function_of(prog_name):
    """arptop: arp_process_fentry, fib_lookup_fexit...; bpftrace: the probed function's name (truncated)."""
    n = ARPTOP_PROG.sub("", prog_name)
    if n.startswith("fib_lookup") or n.startswith("fib_table"):
        return "fib_lookup"
    for f in FUNCS:
        if len(n) >= 5 and (f.startswith(n) or n.startswith(f)):
            return f
    return None


def arptop_summary_counts(name):
    counted, fn, events = {}, None, {}
    for line in read(name).splitlines():
        m = re.match(r"^(\w+)\s+\(", line)
        if m:
            fn = m.group(1)
            continue
        if line.startswith("ARP verdicts"):  # the verdict table after the functions' tables
            fn = None
            continue
        m = re.match(r"events: (\d+) logged, (\d+) dropped, (\d+) sampled", line)
        if m:
            events = dict(zip(("logged", "dropped", "sampled"), map(int, m.groups())))
            continue
        cols = line.split()
        if fn and len(cols) >= 7 and cols[0] == "va" and cols[-2].isdigit():
            counted[fn] = counted.get(fn, 0) + int(cols[-2])
    return counted, events


def bpftrace_counts(name):
    counted = {}
    for line in read(name).splitlines():
        m = re.match(r"^@(\w+)\[(\S+), (-?\d+)\]: (\d+)", line)
        if m and m.group(1) in FUNCS and m.group(2) in ("va", "3"):  # fib_lookup is keyed by ifindex
            counted[m.group(1)] = counted.get(m.group(1), 0) + int(m.group(4))
    return counted


def run_facts(run):
    if not os.path.exists(path(run + ".after.progs.json")):  # missing or still running
        return None
    f = {"run": run}
    fl = kv(run + ".flood")
    f["sent"], f["seconds"] = int(fl["sent"]), fl["seconds"]
    b, a = kv(run + ".before.counters"), kv(run + ".after.counters")
    for k in ("rx_packets", "tx_packets", "rx_dropped", "softnet_dropped"):
        f[k] = int(a[k] - b[k])
    f["pps"] = f["tx_packets"] / f["seconds"]  # ARP replies va sent = requests arp_process answered
    # Programs loaded by the tracer(s): not there before it started; stats delta over the flood.
    tools = {}
    if os.path.exists(path(run + ".progs-before-attach.json")):
        before_attach = progs(run + ".progs-before-attach.json")
        pb, pa = progs(run + ".before.progs.json"), progs(run + ".after.progs.json")
        for pid, p in pa.items():
            if pid in before_attach:
                continue
            name = p.get("name", "?")
            ns = p.get("run_time_ns", 0) - pb.get(pid, {}).get("run_time_ns", 0)
            cnt = p.get("run_cnt", 0) - pb.get(pid, {}).get("run_cnt", 0)
            tool = "arptop" if ARPTOP_PROG.search(name) or name.startswith("softirq_") else "bpftrace"
            t = tools.setdefault(tool, {"progs": [], "fn": {fn: {"ns": 0, "calls": 0, "progs": []} for fn in FUNCS}})
            fn = function_of(name)
            t["progs"].append((name, p.get("type", "?"), fn, cnt, ns))
            if fn:
                t["fn"][fn]["ns"] += ns
                t["fn"][fn]["calls"] = max(t["fn"][fn]["calls"], cnt)
                t["fn"][fn]["progs"].append(name)
    for t in tools.values():
        t["ns_total"] = sum(x[4] for x in t["progs"])
        t["ns_per_request"] = t["ns_total"] / f["sent"] if f["sent"] else float("nan")
    f["tools"] = tools
    f["counted"] = {}
    if os.path.exists(path(run + ".summary")):
        f["counted"]["arptop"], f["events"] = arptop_summary_counts(run + ".summary")
    if os.path.exists(path(run + ".out")):
        f["counted"]["bpftrace"] = bpftrace_counts(run + ".out")
    return f


def per_call(t, fn):
    d = t["fn"][fn]
    return d["ns"] / d["calls"] if d["calls"] else float("nan")


def med(xs):
    return statistics.median(xs) if xs else float("nan")


env_text = read("env.txt") if os.path.exists(path("env.txt")) else ""
rounds = sorted({int(m.group(1)) for n in os.listdir(OUT) for m in [re.match(r"r(\d+)-", n)] if m})
CONFIGS = ["base1", "arptop", "base2", "bpftrace", "base3", "both"]
runs = {(r, c): run_facts(f"r{r}-{c}") for r in rounds for c in CONFIGS}
runs = {k: v for k, v in runs.items() if v}
extra = run_facts("x-arptop-unlimited")

print("### Environment (guest)\n")
print("```\n" + env_text.strip() + "\n```\n")
if os.path.exists(path("probes.txt")):
    print("`arptop --probes` in the guest:\n\n```\n" + read("probes.txt").strip() + "\n```\n")

ratio = {k: [] for k in ("arptop/baseline", "bpftrace/baseline", "both/baseline", "arptop/bpftrace packets/s",
                         "arptop/bpftrace BPF ns per request (separate runs)",
                         "arptop/bpftrace BPF ns per request (same run)")}
fn_ratio = {fn: [] for fn in FUNCS}

print("### ARP rate under the flood (from va's own counters)\n")
print("Each tracer run is compared with the mean of the baselines just before and after it.\n")
print("| round | config | requests sent | rx on va | ARP replies sent by va | processed/s | softnet drops | vs baseline |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in rounds:
    def base(*names):
        xs = [runs[(r, n)]["pps"] for n in names if (r, n) in runs]
        return sum(xs) / len(xs) if xs else float("nan")
    ref = {"base1": base("base1"), "base2": base("base2"), "base3": base("base3"),
           "arptop": base("base1", "base2"), "bpftrace": base("base2", "base3"), "both": base("base3")}
    for c in CONFIGS:
        f = runs.get((r, c))
        if not f:
            continue
        rel = f["pps"] / ref[c]
        print(f"| {r} | {c} | {f['sent']} | {f['rx_packets']} | {f['tx_packets']} | {f['pps']:.0f} | "
              f"{f['softnet_dropped']} | {rel:.3f} |")
        if c in ("arptop", "bpftrace", "both"):
            ratio[f"{c}/baseline"].append(rel)
    a, t, x = runs.get((r, "arptop")), runs.get((r, "bpftrace")), runs.get((r, "both"))
    if a and t:
        ratio["arptop/bpftrace packets/s"].append(a["pps"] / t["pps"])
        ratio["arptop/bpftrace BPF ns per request (separate runs)"].append(
            a["tools"]["arptop"]["ns_per_request"] / t["tools"]["bpftrace"]["ns_per_request"])
    if x and "arptop" in x["tools"] and "bpftrace" in x["tools"]:
        ratio["arptop/bpftrace BPF ns per request (same run)"].append(
            x["tools"]["arptop"]["ns_per_request"] / x["tools"]["bpftrace"]["ns_per_request"])
        for fn in FUNCS:
            fn_ratio[fn].append(per_call(x["tools"]["arptop"], fn) / per_call(x["tools"]["bpftrace"], fn))
if extra:
    print(f"| - | arptop --log-rate 0 | {extra['sent']} | {extra['rx_packets']} | {extra['tx_packets']} | "
          f"{extra['pps']:.0f} | {extra['softnet_dropped']} | - |")
print()

print("### Ratios (median over rounds; each ratio is taken within one round)\n")
print("| ratio | per round | median | target |")
print("| --- | --- | --- | --- |")
targets = {"arptop/baseline": "≥ 0.9", "arptop/bpftrace BPF ns per request (same run)": "≤ 1.0 (aim 0.7)",
           "arptop/bpftrace BPF ns per request (separate runs)": "≤ 1.0 (aim 0.7)"}
for k, xs in ratio.items():
    if xs:
        print(f"| {k} | {', '.join(f'{v:.3f}' for v in xs)} | **{med(xs):.3f}** | {targets.get(k, '-')} |")
for fn, xs in fn_ratio.items():
    if xs:
        print(f"| arptop/bpftrace BPF ns per call of {fn} (same run) | {', '.join(f'{v:.3f}' for v in xs)} | "
              f"**{med(xs):.3f}** | ≤ 1.0 |")
print()

print("### BPF programs' own cost (kernel.bpf_stats_enabled: run_time_ns / run_cnt over the flood)\n")
print("ns per call = all of that tool's programs on the function (entry + return) / calls.\n")
print("| run | tool | " + " | ".join(FUNCS) + " | all programs, per ARP request |")
print("| --- | --- | " + " | ".join("---:" for _ in FUNCS) + " | ---: |")
for key in sorted(runs) + ([("x", "unlimited")] if extra else []):
    f = runs.get(key) or extra
    for tool, t in sorted(f["tools"].items()):
        label = tool + (" --log-rate 0" if f is extra else "")
        print(f"| {f['run']} | {label} | " + " | ".join(f"{per_call(t, fn):.0f}" for fn in FUNCS) +
              f" | **{t['ns_per_request']:.0f}** |")
print()

print("### Counts stay exact (calls counted on va vs ARP requests sent)\n")
print("| run | requests sent | rx on va | tool | arp_process | ip_route_input_slow | fib_lookup | fib_validate_source | exact | events logged / dropped / sampled |")
print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |")
for key in sorted(runs) + ([("x", "unlimited")] if extra else []):
    f = runs.get(key) or extra
    for tool, c in sorted(f["counted"].items()):
        exact = all(c.get(fn, 0) == f["sent"] for fn in FUNCS)
        ev = f.get("events", {})
        evs = f"{ev['logged']} / {ev['dropped']} / {ev['sampled']}" if tool == "arptop" and ev else "-"
        print(f"| {f['run']} | {f['sent']} | {f['rx_packets']} | {tool} | " +
              " | ".join(str(c.get(fn, 0)) for fn in FUNCS) + f" | {'yes' if exact else '**NO**'} | {evs} |")
print()

print("### Per program (flood window)\n")
print("| run | program | type | run_cnt | ns per run |")
print("| --- | --- | --- | ---: | ---: |")
for key in sorted(runs) + ([("x", "unlimited")] if extra else []):
    f = runs.get(key) or extra
    for tool, t in sorted(f["tools"].items()):
        for name, typ, fn, cnt, ns in sorted(t["progs"], key=lambda p: (str(p[2]), p[0])):
            print(f"| {f['run']} | {name} | {typ} | {cnt} | {ns / cnt if cnt else 0:.0f} |")
