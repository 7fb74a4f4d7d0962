#!/usr/bin/env bash
# docs/replay.md's walk-through, on a record of a failing real run kept in
# examples/testdata: its replay fails the same way every time, the match_ids
# fix passes on the very same interleaving, and the one_at_a_time fix changes
# the schedule, which the replay reports as a divergence.
set -u
bin=examples/out_of_order
rec=examples/testdata/out_of_order_bug.rec
fail=0
expect() {  # name, expected, actual
  if [[ "$2" != "$3" ]]; then
    echo "FAIL $1"; echo "--- expected"; echo "$2"; echo "--- actual"; echo "$3"; fail=1
  fi
}
bug='   0.001 ms  ask for item 0
   0.061 ms  ask for item 1
   0.063 ms  ask for item 2
   5.501 ms  answer for item 1
   5.890 ms  answer for item 0
   6.509 ms  answer for item 2'
for i in 1 2 3; do
  out=$("$bin" --replay="$rec" 2>&1); rc=$?
  expect "replay $i" "$bug
BUG: slot 0 holds the answer for item 1
1" "$out
$rc"
done
out=$("$bin" --replay="$rec" --fix=match_ids 2>&1); rc=$?
expect "match_ids on the failing interleaving" "$bug
OK: every answer is in its slot
0" "$out
$rc"
out=$("$bin" --replay="$rec" --fix=one_at_a_time 2>/dev/null); rc=$?
expect "one_at_a_time: exit code" 3 "$rc"
err=$("$bin" --replay="$rec" --fix=one_at_a_time 2>&1 >/dev/null)
expect "one_at_a_time: divergence report" "replay diverged at input #7
  recorded: submit pool work 2 (fast-io: wait 5 ms, cpu 0.3 ms)
  program:  poll(timeout forever)
  before it:
    #2 now() -> 0.007043 ms
    #3 platform event pool_enqueue on loop id 1 at 0.009145 ms
    #4 submit pool work 1 (fast-io: wait 4 ms, cpu 0.3 ms)
    #5 now() -> 0.06784 ms
    #6 platform event pool_enqueue on loop id 2 at 0.068777 ms" "$err"
head -c 200 "$rec" > "$TEST_TMPDIR/cut.rec"
out=$("$bin" --replay="$TEST_TMPDIR/cut.rec" 2>&1); rc=$?
expect "truncated record" "2 out_of_order: $TEST_TMPDIR/cut.rec: the record is truncated at byte 198 (in a poll's completions); was the recording interrupted?" "$rc $out"
# One real run, for the record: it passes or fails, and says which.
out=$("$bin" --runs=3 2>&1); rc=$?
[[ $rc -eq 0 || $rc -eq 1 ]] || { echo "FAIL real runs: exit $rc: $out"; fail=1; }
[[ $fail -eq 0 ]] && echo "out_of_order walk-through OK"
exit $fail
