#!/usr/bin/env bash
# echo_server: in simulation, one seed gives byte-identical output and no
# client ever sees a byte out of order or twice; on the real platform it
# prints one first line, echoes every byte to clients written in Node
# (among them one that floods without reading and one that resets), and
# exits 0 on SIGTERM.
set -u
tmp=${TEST_TMPDIR:-$(mktemp -d)}
server=examples/echo_server
clients_js=examples/testdata/echo_clients.js
fail=0

faults=refuse=0.05,reset=0.05,partitions_per_s=0.5
$server --platform=sim --seed=7 --faults=$faults >"$tmp/a" 2>&1 || { echo "sim run: $(cat "$tmp/a")"; fail=1; }
$server --platform=sim --seed=7 --faults=$faults >"$tmp/b" 2>&1
cmp -s "$tmp/a" "$tmp/b" || { echo "two runs with one seed differ:"; diff "$tmp/a" "$tmp/b"; fail=1; }
grep -q '^bytes out of order or twice: 0 clients$' "$tmp/a" || { echo "order: $(cat "$tmp/a")"; fail=1; }
grep -q '^connections failed by fault: [1-9]' "$tmp/a" || { echo "no faults injected: $(cat "$tmp/a")"; fail=1; }
$server --platform=sim --seed=8 --faults=$faults >"$tmp/c" 2>&1
cmp -s "$tmp/a" "$tmp/c" && { echo "another seed gave the same run"; fail=1; }
# Without faults every client gets its bytes back.
out=$($server --platform=sim --clients=100)
[[ "$out" == *"clients echoed intact:      100"* && "$out" == *"connections failed by fault: 0"* ]] ||
  { echo "no faults: $out"; fail=1; }
$server --platform=sim --faults=nonsense=1 >/dev/null 2>"$tmp/err"
[[ $? == 2 && "$(cat "$tmp/err")" == *'--faults: unknown key "nonsense"'* ]] || { echo "bad faults: $(cat "$tmp/err")"; fail=1; }

# Real, over loopback.
$server --platform=real --port=0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do [[ -s "$tmp/out" ]] && break; sleep 0.1; done
first=$(head -1 "$tmp/out")
if [[ "$first" =~ ^listening\ on\ 127\.0\.0\.1:([0-9]+)$ ]]; then
  port=${BASH_REMATCH[1]}
  if command -v node >/dev/null; then
    result=$(timeout 60 node "$clients_js" "$port" 40 262144)
    [[ "$result" == ok\ 40\ clients* ]] || { echo "node clients: $result"; fail=1; }
  else
    echo "node is not on PATH: the real run was not exercised"; fail=1
  fi
else
  echo "first line: '$first' $(cat "$tmp/err")"; fail=1
fi
kill -TERM $pid
timeout 10 tail --pid=$pid -f /dev/null
wait $pid
code=$?
[[ $code == 0 ]] || { echo "exit code after SIGTERM: $code; $(cat "$tmp/err")"; fail=1; }
[[ "$(tail -1 "$tmp/out")" == closed\ after\ * ]] || { echo "last line: $(tail -1 "$tmp/out")"; fail=1; }
[[ $(wc -l <"$tmp/out") == 2 ]] || { echo "output: $(cat "$tmp/out")"; fail=1; }
[[ $fail == 0 ]] && echo "echo_server example OK"
exit $fail
