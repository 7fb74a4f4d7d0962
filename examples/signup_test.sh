#!/usr/bin/env bash
# The README's first command must tell the defining scenario exactly: each
# signup's queue wait, start and finish, the ASCII lanes, and why.
set -u
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
out=$(examples/signup 2>&1)
expected=$(cat <<'END'
A 2-core machine, a pool of 4 threads; each signup hashes a password with 100 ms of CPU.
Times are virtual ms since the signups were queued.

1 signup at once: all done at 100 ms
  signup  queued  waited  started  finished  thread
  1       0       0       0        100       pool-0

          0           20          40          60          80          100 ms
pool-0    111111111111111111111111111111111111111111111111111111111111
pool-1
pool-2
pool-3
          1=signup 1

2 signups at once: all done at 100 ms
  signup  queued  waited  started  finished  thread
  1       0       0       0        100       pool-0
  2       0       0       0        100       pool-1

          0           20          40          60          80          100 ms
pool-0    111111111111111111111111111111111111111111111111111111111111
pool-1    222222222222222222222222222222222222222222222222222222222222
pool-2
pool-3
          1=signup 1, 2=signup 2

4 signups at once: all done at 200 ms
  signup  queued  waited  started  finished  thread
  1       0       0       0        200       pool-0
  2       0       0       0        200       pool-1
  3       0       0       0        200       pool-2
  4       0       0       0        200       pool-3

          0              50             100            150            200 ms
pool-0    111111111111111111111111111111111111111111111111111111111111
pool-1    222222222222222222222222222222222222222222222222222222222222
pool-2    333333333333333333333333333333333333333333333333333333333333
pool-3    444444444444444444444444444444444444444444444444444444444444
          1=signup 1, 2=signup 2, 3=signup 3, 4=signup 4

6 signups at once: all done at 300 ms
  signup  queued  waited  started  finished  thread
  1       0       0       0        200       pool-0
  2       0       0       0        200       pool-1
  3       0       0       0        200       pool-2
  4       0       0       0        200       pool-3
  5       0       200     200      300       pool-0
  6       0       200     200      300       pool-1

          0         50        100       150       200       250       300 ms
pool-0    111111111111111111111111111111111111111155555555555555555555
pool-1    222222222222222222222222222222222222222266666666666666666666
pool-2    3333333333333333333333333333333333333333
pool-3    4444444444444444444444444444444444444444
queue     5~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
queue     6~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
          1=signup 1, 2=signup 2, 3=signup 3, 4=signup 4, 5=signup 5, 6=signup 6; ~ waiting in the queue

Why: 6 signups on 4 pool threads and 2 cores: the first 4 hashes share the cores, 2 to a core, so each takes 200 ms; signups 5-6 wait in the queue for a free pool thread until 200 ms and finish by 300 ms.
Each hash is real PBKDF2 (the first begins ef2fd37a); what it costs in virtual time is the modelled 100 ms.

1000 network requests of 50 ms at once: 1000 finished at 50 ms; none used a pool thread.
END
)
if [[ "$out" != "$expected" ]]; then
  echo "unexpected output:"; diff <(echo "$expected") <(echo "$out"); fail=1
fi
# 8 signups on the same machine: two waves of four, 200 ms each.
out=$(examples/signup --requests=8 2>&1)
[[ "$out" == *"8 signups at once: all done at 400 ms"* ]] || { echo "8 signups: $out"; fail=1; }
[[ "$out" == *"  8       0       200     200      400       pool-3"* ]] || { echo "8th: $out"; fail=1; }
# 4 cores: the first 4 hashes have a core each.
out=$(examples/signup --requests=4 --cores=4 2>&1)
[[ "$out" == *"the first 4 hashes have a core each and take 100 ms."* ]] || { echo "4 cores: $out"; fail=1; }
# Pictures of the last run.
examples/signup --svg="$tmp/s.svg" --trace_chrome="$tmp/s.json" >/dev/null || fail=1
[[ $(grep -c 'class="task"' "$tmp/s.svg") == 6 ]] || { echo "svg: not 6 task bars"; fail=1; }
[[ $(grep -c 'class="queued"' "$tmp/s.svg") == 2 ]] || { echo "svg: not 2 queue bars"; fail=1; }
grep -q '"cat":"task"' "$tmp/s.json" || { echo "chrome trace: no task slices"; fail=1; }
# Bad flags: a clear error, exit 2.
for args in "--pool_size=0|--pool_size must be in [1, 1024], got 0" \
            "--cores=0|--cores must be in [1, 1024], got 0" \
            "--requests=x|--requests takes counts in [0, 100000], got \"x\"" \
            "--platform=vm|--platform must be sim or real, got \"vm\""; do
  flag=${args%%|*}; message=${args#*|}
  examples/signup "$flag" >/dev/null 2>"$tmp/err"; rc=$?
  [[ $rc == 2 && "$(cat "$tmp/err")" == "signup: $message" ]] ||
    { echo "$flag: exit $rc, $(cat "$tmp/err")"; fail=1; }
done
examples/signup --svg="$tmp/no/such/dir.svg" >/dev/null 2>"$tmp/err" && { echo "unwritable svg accepted"; fail=1; }
grep -q "^signup: --svg: cannot write " "$tmp/err" || { echo "svg error: $(cat "$tmp/err")"; fail=1; }
[[ $fail == 0 ]] && echo "signup example OK"
exit $fail
