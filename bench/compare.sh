#!/usr/bin/env bash
# compare.sh: builds the benchmarks optimised, runs every pair (twinloop's
# real platform against raw libuv in one binary, the simulator against its
# targets, Node where `node` is on PATH), and prints one table.
#
#   bench/compare.sh                    # from the repository root
#   bench/compare.sh --repetitions=5    # medians of 5 (default 3)
#
# Ratios are throughputs, twinloop over the reference: above 1 means
# twinloop is faster. The machines are noisy: compare ratios, not times.
# bench/RESULTS.md records the latest table and what dominates each row.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=3
for arg in "$@"; do
  case "$arg" in
    --repetitions=*) reps=${arg#*=} ;;
    *) echo "compare.sh: unknown argument $arg (only --repetitions=N)" >&2; exit 2 ;;
  esac
done
[[ "$reps" =~ ^[1-9][0-9]?$ ]] || { echo "compare.sh: --repetitions takes 1-99" >&2; exit 2; }

./bazelw build --config=opt //bench:real_bench //bench:sim_bench //bench:loop_bench >&2
bin=$(./bazelw info --config=opt bazel-bin 2>/dev/null)/bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

flags=(--benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true
       --benchmark_out_format=json)
# The paired binaries interleave their benchmarks' repetitions in random
# order, so a pair's two sides meet the same spells of machine noise. Run
# one after the other, twinloop's five pool round trips could all land in a
# slow spell (20-25k/s) and libuv's in a fast one (35-40k/s), or the
# reverse. The simulator's rows are not pairs and run in order. Each makes a
# fresh loop per iteration on one thread, so from the second iteration on
# its chunks come from the per-thread chunk cache, as the later simulations
# of a test process or a seed sweep do; bench/RESULTS.md gives the cold
# numbers too (a single simulation per process).
paired=("${flags[@]}" --benchmark_enable_random_interleaving=true)
# Each workload of real_bench runs in a process of its own, as libuv's
# benchmarks do: libuv's thread pool is process-wide and never stops, so once
# any workload had used it, every later one (both sides) would run in a
# multithreaded process, where each system call on a socket costs more (the
# kernel's fdget takes a reference on the shared file table).
echo "compare.sh: real platform against libuv..." >&2
for w in MillionTimers LoopCount ImmediateChain QueueWorkRoundTrip QueueWorkBatch Async \
         NextTickMicrotask PingPong; do
  "$bin/real_bench" "${paired[@]}" --benchmark_filter="^BM_(Twinloop|Libuv)_$w(/|\$)" \
    --benchmark_out="$out/real-$w.json" >/dev/null
done
echo "compare.sh: simulator..." >&2
"$bin/sim_bench" "${flags[@]}" --benchmark_out="$out/sim.json" >/dev/null
echo "compare.sh: loop core on the simulator against libuv..." >&2
"$bin/loop_bench" "${paired[@]}" --benchmark_out="$out/loop.json" >/dev/null
if command -v node >/dev/null 2>&1; then
  echo "compare.sh: node $(node --version)..." >&2
  for js in bench/node/*.js; do node "$js"; done >"$out/node.jsonl"
else
  echo "compare.sh: node is not on PATH: no Node column" >&2
  : >"$out/node.jsonl"
fi

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]

def medians(*names):
    runs = [r for name in names for r in json.load(open(os.path.join(out, name)))["benchmarks"]]
    got = {}
    for r in runs:
        if r.get("error_occurred"):
            continue
        if r.get("aggregate_name", "median") != "median":
            continue
        # "BM_X/4/real_time" -> "BM_X/4"; "BM_X/real_time" -> "BM_X"
        parts = r["run_name"].split("/")
        key = parts[0] + ("/" + parts[1] if len(parts) > 1 and parts[1].isdigit() else "")
        got[key] = r
    return got

real = medians(*sorted(f for f in os.listdir(out) if f.startswith("real-")))
sim, loop = medians("sim.json"), medians("loop.json")
node = {}
for line in open(os.path.join(out, "node.jsonl")):
    if line.strip():
        d = json.loads(line)
        node[d["workload"]] = d

rows = []
def fmt(v, unit):
    if v is None: return "-"
    if unit == "/s":
        for s, f in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
            if v >= f: return f"{v / f:.2f}{s}/s"
        return f"{v:.0f}/s"
    return f"{v:.3g} {unit}"

def missed(pct):
    # Whole percent, but a near miss keeps one decimal (never "missed by 0%").
    return f"missed by {pct:.1f}%" if pct < 1.95 else f"missed by {pct:.0f}%"

def row(workload, tw, uv, nd, unit, ratio, target, higher=True):
    if ratio is None:
        status = "not measured"
    elif higher:
        status = "met" if ratio >= target else missed((target - ratio) / target * 100)
    else:
        status = "met" if ratio <= target else missed((ratio - target) / target * 100)
    tgt = ("≥ " if higher else "< ") + (f"{target}×" if unit != "s" and unit != "B" else f"{target} {unit}")
    shown = "-" if ratio is None or unit in ("s", "B") else f"{ratio:.2f}×"
    rows.append((workload, fmt(tw, unit), fmt(uv, unit), fmt(nd, unit), shown, tgt, status))

def ips(d, k):
    return d[k]["items_per_second"] if k in d else None

def c(d, k, counter):
    return d[k][counter] if k in d and counter in d[k] else None

tw_disp, uv_disp = c(real, "BM_Twinloop_MillionTimers", "dispatch_ns_per_timer"), c(real, "BM_Libuv_MillionTimers", "dispatch_ns_per_timer")
nd = node.get("million_timers", {}).get("dispatch_ns_per_timer")
rows_ns = lambda v: None if v is None else 1e9 / v  # per timer -> timers/s
row("million_timers: dispatch", rows_ns(tw_disp), rows_ns(uv_disp), rows_ns(nd), "/s",
    uv_disp / tw_disp if tw_disp and uv_disp else None, 1.0)
tw_st, uv_st = c(real, "BM_Twinloop_MillionTimers", "start_ns_per_timer"), c(real, "BM_Libuv_MillionTimers", "start_ns_per_timer")
nd = node.get("million_timers", {}).get("start_ns_per_timer")
row("million_timers: start", rows_ns(tw_st), rows_ns(uv_st), rows_ns(nd), "/s",
    uv_st / tw_st if tw_st and uv_st else None, 1.0)
for name, tw, uv, nk, target in [
        ("loop_count", "BM_Twinloop_LoopCount", "BM_Libuv_LoopCount", None, 1.0),
        ("immediate chain", "BM_Twinloop_ImmediateChain", "BM_Libuv_ImmediateChain", "immediate_chain", 1.0),
        ("async, 1 sender", "BM_Twinloop_Async/1", "BM_Libuv_Async/1", None, 0.9),
        ("async, 4 senders", "BM_Twinloop_Async/4", "BM_Libuv_Async/4", None, 0.9),
        ("queue_work: round trips", "BM_Twinloop_QueueWorkRoundTrip", "BM_Libuv_QueueWorkRoundTrip", "queue_work_round_trip", 0.9),
        ("queue_work: batch of 10000", "BM_Twinloop_QueueWorkBatch", "BM_Libuv_QueueWorkBatch", None, 0.9)]:
    t, u = ips(real, tw), ips(real, uv)
    n = node.get(nk, {}).get("ops_per_s") if nk else None
    row(name, t, u, n, "/s", t / u if t and u else None, target)
t = ips(real, "BM_Twinloop_ImmediateChain"); n = node.get("immediate_chain", {}).get("ops_per_s")
row("immediate chain vs Node", t, None, n, "/s", t / n if t and n else None, 10)
t = ips(real, "BM_Twinloop_NextTickMicrotask"); n = node.get("nexttick_microtask", {}).get("ops_per_s")
row("nextTick + microtask drain vs Node", t, None, n, "/s", t / n if t and n else None, 10)
t, u = ips(real, "BM_Twinloop_PingPong"), ips(real, "BM_Libuv_PingPong")
row("ping_pong: TCP round trips on loopback", t, u, None, "/s", t / u if t and u else None, 0.9)
for name, k in [("simulator: timer callbacks", "BM_SimTimers"), ("simulator: immediates", "BM_SimImmediates"),
                ("simulator: pool tasks", "BM_SimPoolTasks")]:
    t = ips(sim, k)
    status = "not measured" if t is None else "met" if t >= 10e6 else missed((10e6 - t) / 10e6 * 100)
    rows.append((name, fmt(t, "/s"), "-", "-", "-", "≥ 10M/s", status))
def wall_s(d, k):
    return d[k]["real_time"] / 1000 if k in d else None  # ms -> s
v = wall_s(sim, "BM_SimVirtualHour")
row("simulator: one virtual hour (3.6 M requests)", v, None, None, "s", v, 1.0, higher=False)
v = wall_s(sim, "BM_SimMillionTimers")
row("simulator: 1 M timers in virtual time", v, None, None, "s", v, 0.5, higher=False)
v = c(real, "BM_Twinloop_MillionTimers", "heap_bytes_per_timer"); u = c(real, "BM_Libuv_MillionTimers", "heap_bytes_per_timer")
row("memory per pending timer: real", v, u, None, "B", v, 100, higher=False)
v = c(sim, "BM_SimMillionTimers", "heap_bytes_per_timer")
row("memory per pending timer: simulator", v, None, None, "B", v, 100, higher=False)

print("| workload | twinloop | libuv | Node | ratio | target | |")
print("|---|---:|---:|---:|---:|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")

print()
print("Loop core on the simulator against raw libuv (bench/loop_bench.cc; time ratio, below 1 is faster):")
print()
print("| twinloop | reference | ratio |")
print("|---|---|---:|")
for tw, ref in [("BM_Twinloop_Immediates", "BM_Libuv_CheckHandle"), ("BM_Twinloop_TimersSameDelay", "BM_Libuv_Timers"),
                ("BM_Twinloop_Timers", "BM_Libuv_Timers"), ("BM_Twinloop_TimerStartStop", "BM_Libuv_TimerStartStop"),
                ("BM_Twinloop_NextTickDrain", "BM_Baseline_DequeDrain"), ("BM_Twinloop_PoolWork", "BM_Libuv_QueueWork")]:
    a = next((v for k, v in loop.items() if k.startswith(tw + "/") or k == tw), None)
    b = next((v for k, v in loop.items() if k.startswith(ref + "/") or k == ref), None)
    if a and b:
        print(f"| {tw[3:]} | {ref[3:]} | {a['real_time'] / b['real_time']:.2f} |")
PY
