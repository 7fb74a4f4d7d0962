#!/usr/bin/env bash
# The event-loop-order example prints Node 20's order with exact virtual
# times, phases and queues; and Node itself, running the program the example
# prints, gives the same order.
set -u
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
out=$(examples/event_loop_order 2>&1)
expected=$(cat <<'END'
Node's event-loop order, simulated: the main script computes for 20 ms;
fs.stat takes 0.05 ms on a pool thread.

  ms      callback                phase   where it waited
  0       main script             main    - (the script itself)
  20      process.nextTick        main    nextTick queue: drained after every callback
  20      queueMicrotask          main    microtask queue: drained after the nextTicks
  20      setTimeout 0            timers  timer list of 1 ms: setTimeout(0) means 1 ms
  20      fs callback             poll    pool completions: fs ran on a pool thread
  20      setImmediate            check   immediate queue: the check phase, after poll
  20      setImmediate from I/O   check   immediate queue: the check phase, after poll
  21      setTimeout 0 from I/O   timers  timer list of 1 ms: setTimeout(0) means 1 ms

Why: nextTicks, then promise jobs, run as soon as the script (or any
callback) ends. The loop then enters timers (the 1 ms timer is due: the
script took 20 ms), poll (the stat is done), check (both immediates: one
queued from I/O runs in the same check phase), and the timer set from I/O
waits for the next iteration's timers phase.

The same program for Node.js prints the same order. Save it with
`event_loop_order --js > order.js` and run `node order.js` (not `node -`:
a script read from stdin runs inside an I/O callback, in the poll phase,
so its immediate runs before its timer):

const fs = require('fs');
const start = performance.now();
const say = (what) => console.log(what);
say('main script');
setTimeout(() => say('setTimeout 0'), 0);
setImmediate(() => say('setImmediate'));
queueMicrotask(() => say('queueMicrotask'));
process.nextTick(() => say('process.nextTick'));
fs.stat('.', () => {
  say('fs callback');
  setTimeout(() => say('setTimeout 0 from I/O'), 0);
  setImmediate(() => say('setImmediate from I/O'));
});
while (performance.now() - start < 20) {}  // the script computes for 20 ms
END
)
if [[ "$out" != "$expected" ]]; then
  echo "unexpected output:"; diff <(echo "$expected") <(echo "$out"); fail=1
fi
# Node's order for the same program. Node runs in real time: a machine so
# loaded that fs.stat takes longer than the script's 20 ms would put the fs
# callback after setImmediate, so a mismatch is retried twice before it fails.
ours=$(echo "$out" | sed -n '/^  ms /,/^$/p' | sed '1d;$d' | cut -c11-33 | sed 's/ *$//')
if command -v node >/dev/null 2>&1; then
  examples/event_loop_order --js >"$tmp/order.js"
  for attempt in 1 2 3; do
    theirs=$(node "$tmp/order.js")
    [[ "$theirs" == "$ours" ]] && break
  done
  if [[ "$theirs" != "$ours" ]]; then
    echo "node's order differs:"; diff <(echo "$ours") <(echo "$theirs"); fail=1
  fi
else
  echo "node is not on PATH: only the simulated order was checked"
fi
[[ $fail == 0 ]] && echo "event loop order example OK"
exit $fail
