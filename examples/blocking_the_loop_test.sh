#!/usr/bin/env bash
# blocking_the_loop's key numbers: computed on the loop, the heartbeat due at
# 30 ms runs at 80 ms (lag 50 ms), the reply due at 55 ms waits until 80 ms,
# five heartbeats are lost; on the pool every heartbeat is on time, lag 0,
# and the result still arrives at 80 ms.
set -u
fail=0
out=$(examples/blocking_the_loop 2>&1)
expected=$(cat <<'END'
A 10 ms heartbeat (setInterval), a network reply due at 55 ms, and at 30 ms a
request that needs 50 ms of computing. Virtual ms; 2 cores, a pool of 4.

1. Computed in the callback (the loop is blocked):
   heartbeats ran at        10 20 80 90 100 110 120 130 140 150
   network reply handled at 80
   computation done at      80
   event-loop lag, max      50 ms (how late a timer ran: monitorEventLoopDelay)
   event-loop utilisation   33% (busy share of the run: eventLoopUtilization)

2. Moved to the pool (crypto.pbkdf2, or a worker):
   heartbeats ran at        10 20 30 40 50 60 70 80 90 100 110 120 130 140 150
   network reply handled at 55
   computation done at      80
   event-loop lag, max      0 ms (how late a timer ran: monitorEventLoopDelay)
   event-loop utilisation   0% (busy share of the run: eventLoopUtilization)

Why: a callback runs to completion. While it computes (30-80 ms) the loop cannot
reach its timers or poll phases: the heartbeat due at 30 ms, queued behind it in
the same timers phase, runs 50 ms late, and the reply due at 55 ms waits until 80 ms.
The interval does not catch up: Node reschedules it from when it ran, so 5
heartbeats never happen.
On the pool the same computing has a core of its own, the loop stays free,
every heartbeat is on time, and the result arrives just as soon.
END
)
if [[ "$out" != "$expected" ]]; then
  echo "unexpected output:"; diff <(echo "$expected") <(echo "$out"); fail=1
fi
# 200 ms of computing: the lag is the whole computation.
out=$(examples/blocking_the_loop --compute_ms=200 2>&1)
[[ "$out" == *"   event-loop lag, max      200 ms"* ]] || { echo "200 ms: $out"; fail=1; }
[[ "$out" == *"   network reply handled at 230"* ]] || { echo "200 ms reply: $out"; fail=1; }
examples/blocking_the_loop --compute_ms=-1 >/dev/null 2>/dev/null
[[ $? == 2 ]] || { echo "--compute_ms=-1 accepted"; fail=1; }
[[ $fail == 0 ]] && echo "blocking_the_loop example OK"
exit $fail
