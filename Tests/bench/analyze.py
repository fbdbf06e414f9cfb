#!/usr/bin/python3
"""Turns the raw facts written by Tests/bench/guest-bench.sh into the tables of BENCHMARKS.md.
Usage: analyze.py OUT_DIR   (prints Markdown on stdout)"""
import json, os, re, statistics, sys

OUT = sys.argv[1]
FUNCS = ["arp_process", "ip_route_input_slow", "fib_lookup", "fib_validate_source"]


def read(name):
    with open(os.path.join(OUT, name)) as f:
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
    n = prog_name
    for prefix in ("kretfunc_", "kfunc_", "kretprobe_", "kprobe_", "kretfunc:", "kfunc:", "kretprobe:", "kprobe:"):
        if n.startswith(prefix):
            n = n[len(prefix):]
            break
    if n.startswith("fib_lookup") or (len(n) >= 5 and "fib_table_lookup".startswith(n[:16])) or n.startswith("fib_table"):
        return "fib_lookup"
    for f in FUNCS:
        if len(n) >= 3 and (f.startswith(n) or n.startswith(f)):
            return f
    return None


def run_facts(run):
    f = {"run": run}
    fl = kv(run + ".flood")
    f["sent"], f["seconds"], f["pps_sent"] = int(fl["sent"]), fl["seconds"], fl["pps"]
    b, a = kv(run + ".before.counters"), kv(run + ".after.counters")
    for k in ("rx_packets", "tx_packets", "rx_dropped", "softnet_dropped"):
        f[k] = int(a[k] - b[k])
    f["pps_processed"] = f["tx_packets"] / f["seconds"]  # ARP replies va sent = requests arp_process answered
    f["pps_received"] = f["rx_packets"] / f["seconds"]
    # BPF programs of the tracer: loaded after its start; stats delta over the flood.
    before_attach = progs(run + ".progs-before-attach.json")
    pb, pa = progs(run + ".before.progs.json"), progs(run + ".after.progs.json")
    per_prog, per_fn = [], {fn: {"ns": 0, "calls": 0, "progs": []} for fn in FUNCS}
    has_tracer = os.path.exists(os.path.join(OUT, run + ".progs-before-attach.json"))
    for pid, p in pa.items():
        if not has_tracer or pid in before_attach:
            continue
        ns = p.get("run_time_ns", 0) - pb.get(pid, {}).get("run_time_ns", 0)
        cnt = p.get("run_cnt", 0) - pb.get(pid, {}).get("run_cnt", 0)
        fn = function_of(p.get("name", ""))
        per_prog.append((p.get("name", "?"), p.get("type", "?"), fn, cnt, ns))
        if fn:
            per_fn[fn]["ns"] += ns
            per_fn[fn]["calls"] = max(per_fn[fn]["calls"], cnt)
            per_fn[fn]["progs"].append(p.get("name", "?"))
    f["progs"] = per_prog
    f["per_fn"] = per_fn
    f["bpf_ns_total"] = sum(x[4] for x in per_prog)
    f["bpf_runs_total"] = sum(x[3] for x in per_prog)
    # Counts seen by the tracer on va, for exactness.
    if os.path.exists(os.path.join(OUT, run + ".summary")):
        f["tracer"] = "arptop"
        counted, fn = {}, None
        for line in read(run + ".summary").splitlines():
            m = re.match(r"^(\w+)\s+\(", line)
            if m:
                fn = m.group(1)
                continue
            if line.startswith("events:"):
                m = re.match(r"events: (\d+) logged, (\d+) dropped, (\d+) sampled", line)
                f["logged"], f["dropped"], f["sampled"] = map(int, m.groups())
                continue
            cols = line.split()
            if fn and len(cols) >= 7 and cols[0] == "va" and cols[-2].isdigit():
                counted[fn] = counted.get(fn, 0) + int(cols[-2])
        f["counted"] = counted
    elif os.path.exists(os.path.join(OUT, run + ".out")):
        f["tracer"] = "bpftrace"
        counted = {}
        for line in read(run + ".out").splitlines():
            m = re.match(r"^@(\w+)\[(\S+), (-?\d+)\]: (\d+)", line)
            if m and m.group(1) in FUNCS and m.group(2) in ("va", "3"):
                counted[m.group(1)] = counted.get(m.group(1), 0) + int(m.group(4))
        f["counted"] = counted
    else:
        f["tracer"] = "none"
    return f


def per_call(f, fn):
    d = f["per_fn"][fn]
    return d["ns"] / d["calls"] if d["calls"] else float("nan")


def per_packet(f):
    return f["bpf_ns_total"] / f["sent"] if f["sent"] else float("nan")


env = kv("env.txt") if os.path.exists(os.path.join(OUT, "env.txt")) else {}
env_text = read("env.txt") if env else ""
rounds = sorted({int(m.group(1)) for n in os.listdir(OUT) for m in [re.match(r"r(\d+)-", n)] if m})
runs = {}
for r in rounds:
    for cfg in ("baseline", "arptop", "bpftrace"):
        name = f"r{r}-{cfg}"
        if os.path.exists(os.path.join(OUT, name + ".flood")):
            runs[(r, cfg)] = run_facts(name)
extra = run_facts("x-arptop-unlimited") if os.path.exists(os.path.join(OUT, "x-arptop-unlimited.flood")) else None

print("### Environment (guest)\n")
print("```\n" + env_text.strip() + "\n```\n")
print("```\n" + read("probes.txt").strip() + "\n```\n")

print("### ARP rate under the flood (packets/s, from va's own counters)\n")
print("| round | config | sent by arp-flood | rx on va | ARP replies sent by va | processed/s | softnet drops | vs baseline |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
ratios = {"arptop/baseline": [], "bpftrace/baseline": [], "arptop/bpftrace pps": [],
          "arptop/bpftrace ns per packet": []}
fn_ratios = {fn: [] for fn in FUNCS}
for r in rounds:
    base = runs.get((r, "baseline"))
    for cfg in ("baseline", "arptop", "bpftrace"):
        f = runs.get((r, cfg))
        if not f:
            continue
        rel = f["pps_processed"] / base["pps_processed"] if base else float("nan")
        print(f"| {r} | {cfg} | {f['sent']} | {f['rx_packets']} | {f['tx_packets']} | {f['pps_processed']:.0f} | "
              f"{f['softnet_dropped']} | {rel:.3f} |")
    a, t = runs.get((r, "arptop")), runs.get((r, "bpftrace"))
    if base and a:
        ratios["arptop/baseline"].append(a["pps_processed"] / base["pps_processed"])
    if base and t:
        ratios["bpftrace/baseline"].append(t["pps_processed"] / base["pps_processed"])
    if a and t:
        ratios["arptop/bpftrace pps"].append(a["pps_processed"] / t["pps_processed"])
        ratios["arptop/bpftrace ns per packet"].append(per_packet(a) / per_packet(t))
        for fn in FUNCS:
            fn_ratios[fn].append(per_call(a, fn) / per_call(t, fn))
if extra:
    print(f"| - | arptop --log-rate 0 | {extra['sent']} | {extra['rx_packets']} | {extra['tx_packets']} | "
          f"{extra['pps_processed']:.0f} | {extra['softnet_dropped']} | (no baseline in this slot) |")
print()

print("### BPF programs' own cost (kernel.bpf_stats_enabled: run_time_ns / run_cnt, flood window only)\n")
print("| round | tracer | function | programs | calls | ns per call (all its programs) |")
print("| --- | --- | --- | --- | ---: | ---: |")
for r in rounds:
    for cfg in ("arptop", "bpftrace"):
        f = runs.get((r, cfg))
        if not f:
            continue
        for fn in FUNCS:
            d = f["per_fn"][fn]
            print(f"| {r} | {cfg} | {fn} | {', '.join(sorted(d['progs']))} | {d['calls']} | {per_call(f, fn):.0f} |")
        print(f"| {r} | {cfg} | **all, per ARP request** | {len(f['progs'])} programs | {f['sent']} requests | "
              f"**{per_packet(f):.0f}** |")
if extra:
    for fn in FUNCS:
        d = extra["per_fn"][fn]
        print(f"| - | arptop --log-rate 0 | {fn} | {', '.join(sorted(d['progs']))} | {d['calls']} | {per_call(extra, fn):.0f} |")
    print(f"| - | arptop --log-rate 0 | **all, per ARP request** | {len(extra['progs'])} programs | {extra['sent']} requests | "
          f"**{per_packet(extra):.0f}** |")
print()

print("### Counts stay exact (arp_process calls counted on va vs requests sent)\n")
print("| run | sent | va rx | arptop/bpftrace count of arp_process on va | exact | events logged / dropped / sampled |")
print("| --- | ---: | ---: | ---: | --- | --- |")
for key in sorted(runs):
    f = runs[key]
    if f["tracer"] == "none":
        continue
    c = f["counted"].get("arp_process", 0)
    ev = f"{f['logged']} / {f['dropped']} / {f['sampled']}" if "logged" in f else "-"
    print(f"| {f['run']} | {f['sent']} | {f['rx_packets']} | {c} | {'yes' if c == f['sent'] else 'NO'} | {ev} |")
if extra:
    c = extra["counted"].get("arp_process", 0)
    print(f"| x-arptop-unlimited (--log-rate 0) | {extra['sent']} | {extra['rx_packets']} | {c} | "
          f"{'yes' if c == extra['sent'] else 'NO'} | {extra['logged']} / {extra['dropped']} / {extra['sampled']} |")
print()

print("### Ratios (median over rounds; each ratio from one round's side-by-side runs)\n")
print("| ratio | per round | median | target |")
print("| --- | --- | ---: | --- |")
targets = {"arptop/baseline": "≥ 0.9", "bpftrace/baseline": "-", "arptop/bpftrace pps": "-",
           "arptop/bpftrace ns per packet": "≤ 1.0 (aim 0.7)"}
for k, xs in ratios.items():
    if xs:
        print(f"| {k} | {', '.join(f'{x:.3f}' for x in xs)} | **{statistics.median(xs):.3f}** | {targets[k]} |")
for fn, xs in fn_ratios.items():
    if xs:
        print(f"| arptop/bpftrace ns per call, {fn} | {', '.join(f'{x:.3f}' for x in xs)} | "
              f"**{statistics.median(xs):.3f}** | ≤ 1.0 |")
print()

print("### Per program (flood window)\n")
print("| run | program | type | function | run_cnt | ns per run |")
print("| --- | --- | --- | --- | ---: | ---: |")
for key in sorted(runs):
    f = runs[key]
    for name, typ, fn, cnt, ns in sorted(f["progs"], key=lambda x: (str(x[2]), x[0])):
        print(f"| {f['run']} | {name} | {typ} | {fn or '-'} | {cnt} | {ns / cnt if cnt else 0:.0f} |")
if extra:
    for name, typ, fn, cnt, ns in sorted(extra["progs"], key=lambda x: (str(x[2]), x[0])):
        print(f"| x-arptop-unlimited | {name} | {typ} | {fn or '-'} | {cnt} | {ns / cnt if cnt else 0:.0f} |")
