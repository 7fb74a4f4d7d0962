#!/usr/bin/env bash
# compare.sh: runs loop_bench and prints twinloop/reference time ratios.
#
#   ./bazelw run --config=opt //bench:compare -- --benchmark_min_time=0.2
#   bench/compare.sh --benchmark_repetitions=5   # after building //bench:loop_bench
#
# Arguments go to the benchmark binary. With --benchmark_repetitions, the
# medians are compared. A ratio above 1 means twinloop is slower; the wall
# times (real_time) are compared, as every benchmark uses UseRealTime.
set -euo pipefail

here=$(dirname "$0")
bin=${LOOP_BENCH:-}
for candidate in "$here/loop_bench" "$here/../bazel-bin/bench/loop_bench"; do
  if [[ -z "$bin" && -x "$candidate" ]]; then bin=$candidate; fi
done
if [[ -z "$bin" ]]; then
  echo "compare.sh: loop_bench not found; build it: ./bazelw build --config=opt //bench:loop_bench" >&2
  exit 1
fi

json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$bin" --benchmark_out="$json" --benchmark_out_format=json "$@" >&2

python3 - "$json" <<'EOF'
import json, sys

# (twinloop benchmark, reference benchmark, what the pair compares)
PAIRS = [
    ("BM_Twinloop_Immediates", "BM_Libuv_CheckHandle", "setImmediate vs Node's check+idle design in libuv"),
    ("BM_Twinloop_Immediates", "BM_Libuv_CheckHandlePerCallback", "setImmediate vs one uv_check_t per callback"),
    ("BM_Twinloop_TimersSameDelay", "BM_Libuv_Timers", "N timers fired in one timers phase"),
    ("BM_Twinloop_Timers", "BM_Libuv_Timers", "delays 1..N (N iterations, virtual time) vs one phase: upper bound"),
    ("BM_Twinloop_TimerStartStop", "BM_Libuv_TimerStartStop", "start+stop N timers, delays 1..N"),
    ("BM_Twinloop_NextTickDrain", "BM_Baseline_DequeDrain", "nextTick drain vs std::deque<std::function>"),
    ("BM_Twinloop_PoolWork", "BM_Libuv_QueueWork", "empty pool work: simulated pool vs real threads"),
]
SCALE = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}

with open(sys.argv[1]) as f:
    runs = json.load(f)["benchmarks"]
have_median = any(r.get("aggregate_name") == "median" for r in runs)
times = {}  # (base name, args) -> microseconds per iteration
for r in runs:
    if "error_occurred" in r and r["error_occurred"]:
        continue
    if have_median != (r.get("aggregate_name") == "median"):
        continue
    base, _, args = r["run_name"].replace("/real_time", "").partition("/")
    times[(base, args)] = r["real_time"] * SCALE[r["time_unit"]]

print()
print("| twinloop | reference | args | twinloop us | reference us | ratio | compares |")
print("|---|---|---|---:|---:|---:|---|")
for tw, ref, what in PAIRS:
    for (base, args), t in sorted(times.items()):
        if base != tw or (ref, args) not in times:
            continue
        r = times[(ref, args)]
        print(f"| {tw[3:]} | {ref[3:]} | {args} | {t:.1f} | {r:.1f} | {t / r:.2f} | {what} |")
EOF
