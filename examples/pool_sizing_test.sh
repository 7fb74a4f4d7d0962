#!/usr/bin/env bash
# pool_sizing's key numbers, exact in virtual time: a pool of 1-3 cannot keep
# up with 250 requests/s of 8 ms reads and 6 ms hashes; 4 (Node's default)
# can, with a long tail; 6 is enough on 2 cores and 8 on 4.
set -u
fail=0
out=$(examples/pool_sizing 2>&1)
expected=$(cat <<'END'
1000 requests, at random (Poisson), one every 4 ms on average (250/s). Each reads
a file (8 ms of disk on a pool thread), then hashes a password (6 ms of CPU on
a pool thread). Latency is from arrival to the hash's callback, in virtual ms.
Offered load: 3.5 pool threads busy at the least (rate x (read + hash)), 1.5 cores.

pool  2 cores                       4 cores
size  req/s   p50 ms    p99 ms      req/s   p50 ms    p99 ms
1     71      9037.0    9882.0      71      9037.0    9882.0
2     143     2491.0    3340.0      143     2491.0    3340.0
3     206     607.5     874.5       214     546.0     768.0
4     242     30.5      102.5       243     21.0      67.0
5     243     18.5      46.0        244     14.0      27.0
6     243     17.3      38.3        244     14.0      22.4
7     243     17.7      36.7        244     14.0      21.4
8     243     17.9      35.4        244     14.0      17.6
9     243     17.9      36.4        244     14.0      18.5
10    243     17.9      36.8        244     14.0      18.4
11    243     17.9      37.1        244     14.0      16.5
12    243     17.9      38.9        244     14.0      16.8
13    243     17.9      40.2        244     14.0      16.8
14    243     17.9      41.1        244     14.0      16.8
15    243     17.9      41.3        244     14.0      16.8
16    243     17.9      41.3        244     14.0      16.8

2 cores: a pool of 6 is enough (p99 38.3 ms, within 10% of the best, 35.4 ms);
  Node's default of 4 gives p99 102.5 ms.
4 cores: a pool of 8 is enough (p99 17.6 ms, within 10% of the best, 16.5 ms);
  Node's default of 4 gives p99 67.0 ms.

A pool must cover the file reads' waits (threads that hold no core) and the
hashes' cores; past that, a bigger pool only shares the same cores among more
threads. Set UV_THREADPOOL_SIZE before the first pool task: Node reads it once.
END
)
if [[ "$out" != "$expected" ]]; then
  echo "unexpected output:"; diff <(echo "$expected") <(echo "$out"); fail=1
fi
# Another seed draws other arrivals: other numbers, the same shape.
other=$(examples/pool_sizing --seed=2 --cores=2 --max_pool_size=4 2>&1)
[[ "$other" != "$(examples/pool_sizing --cores=2 --max_pool_size=4 2>&1)" ]] ||
  { echo "--seed changed nothing"; fail=1; }
[[ "$other" == "$(examples/pool_sizing --seed=2 --cores=2 --max_pool_size=4 2>&1)" ]] ||
  { echo "one seed, two outputs"; fail=1; }
examples/pool_sizing --cores=0 >/dev/null 2>/dev/null
[[ $? == 2 ]] || { echo "--cores=0 accepted"; fail=1; }
[[ $fail == 0 ]] && echo "pool_sizing example OK"
exit $fail
