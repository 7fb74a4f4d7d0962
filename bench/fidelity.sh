#!/usr/bin/env bash
# fidelity.sh: does the simulation predict the machine?
#
#   bench/fidelity.sh [--runs=5] [--markdown=FILE] [SCENARIO.json ...]
#
# Runs each scenario (by default every one in ../shared/conformance/pool/
# and the signup cases in bench/fidelity/) with `twinloop run` on the
# simulated platform once and on the real platform --runs times. For every
# log label it prints the simulated time, the median real time and the
# relative error; then the median and the worst |error| over all labels.
# Labels the simulation puts before 1 ms are listed but left out of the
# relative errors (a few microseconds of wake-up would read as huge
# percentages). A benchmark, not a test: run it on a quiet machine.
# platform/real/FIDELITY.md records a run and explains the errors.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=5
markdown=
scenarios=()
for arg in "$@"; do
  case "$arg" in
    --runs=*) runs=${arg#--runs=} ;;
    --markdown=*) markdown=${arg#--markdown=} ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    -*) echo "fidelity.sh: unknown flag $arg" >&2; exit 2 ;;
    *) scenarios+=("$arg") ;;
  esac
done
if ! [[ "$runs" =~ ^[1-9][0-9]?$ ]]; then
  echo "fidelity.sh: --runs must be in [1, 99], got $runs" >&2; exit 2
fi
if [[ ${#scenarios[@]} -eq 0 ]]; then
  shopt -s nullglob
  scenarios=("$root"/../shared/conformance/pool/*.json "$here"/fidelity/*.json)
fi

bin=${TWINLOOP:-$root/bazel-bin/cli/twinloop}
if [[ ! -x "$bin" ]]; then
  (cd "$root" && ./bazelw build //cli:twinloop >&2)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/names" "$work/skipped"
for s in "${scenarios[@]}"; do
  name=$(basename "$s" .json)
  "$bin" run "$s" > "$work/$name.sim"
  # A scenario that needs more cores than this machine has cannot be held
  # against it; it is listed as skipped.
  if ! "$bin" run --platform=real "$s" > "$work/$name.real.0" 2> "$work/err"; then
    echo "$name: $(sed 's/^twinloop: [^:]*: //' "$work/err")" >> "$work/skipped"
    continue
  fi
  for ((r = 1; r < runs; r++)); do
    "$bin" run --platform=real "$s" > "$work/$name.real.$r"
  done
  echo "$name" >> "$work/names"
done

python3 - "$work" "$runs" "$markdown" "$(nproc)" "$(uname -srm)" <<'PY'
import json, os, statistics, sys

work, runs, markdown, cpus, uname = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]

def labels(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                j = json.loads(line)
                out.setdefault(j["log"], j["t"])  # first occurrence of a label
    return out

rows, errors, per_scenario = [], [], []
for name in open(os.path.join(work, "names")).read().split():
    sim = labels(os.path.join(work, name + ".sim"))
    real = [labels(os.path.join(work, f"{name}.real.{r}")) for r in range(runs)]
    errs = []
    for label, t_sim in sim.items():
        ts = [r[label] for r in real if label in r]
        med = statistics.median(ts)
        err = None
        if t_sim >= 1.0:
            err = (med - t_sim) / t_sim * 100
            errs.append(abs(err))
        rows.append((name, label, t_sim, med, err))
    errors += errs
    per_scenario.append((name, statistics.median(errs) if errs else None, max(errs) if errs else None))

lines = ["| scenario | label | simulated ms | real ms (median of %d) | error |" % runs,
         "|---|---|---:|---:|---:|"]
for name, label, t_sim, med, err in rows:
    e = "n/a (< 1 ms)" if err is None else "%+.1f%%" % err
    lines.append("| %s | %s | %.3f | %.3f | %s |" % (name, label, t_sim, med, e))
skipped = [l for l in open(os.path.join(work, "skipped")).read().splitlines() if l]
if not errors:
    sys.exit("fidelity.sh: no scenario could run here")
summary = ("median |error| %.1f%%, worst %.1f%% over %d labels in %d scenarios (%s CPUs, %s)"
           % (statistics.median(errors), max(errors), len(errors), len(per_scenario), cpus, uname))
if skipped:
    summary += "\n\nskipped %d scenarios:\n\n" % len(skipped) + "\n".join("- " + l for l in skipped)
scen = ["| scenario | median |error| | worst |error| |", "|---|---:|---:|"]
for name, med, worst in per_scenario:
    if med is not None:
        scen.append("| %s | %.1f%% | %.1f%% |" % (name, med, worst))
print("\n".join(lines))
print()
print("\n".join(scen))
print()
print(summary)
if markdown:
    with open(markdown, "w") as f:
        f.write(summary + "\n\n" + "\n".join(scen) + "\n\n" + "\n".join(lines) + "\n")
PY
