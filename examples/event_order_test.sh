#!/usr/bin/env bash
# The event-order example prints Node 20's order with exact virtual times.
set -u
out=$(examples/event_order 2>&1)
expected='  0.000 ms  main script
  2.000 ms  process.nextTick (before microtasks)
  2.000 ms  queueMicrotask
  2.000 ms  setTimeout 0 (clamped to 1 ms)
  2.000 ms  setImmediate
  5.000 ms  fs callback (poll phase)
  5.000 ms    setImmediate from I/O (always first)
  6.000 ms    setTimeout 0 from I/O'
if [[ "$out" != "$expected" ]]; then
  echo "unexpected output:"; echo "$out"; exit 1
fi
echo "event order example OK"
