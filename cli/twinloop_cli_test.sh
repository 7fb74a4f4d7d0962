#!/usr/bin/env bash
# End-to-end checks of the twinloop command: stdout format, errors, exit codes.
set -u
bin=cli/twinloop
data=cli/testdata
fail=0
check() {  # name, expected, actual
  if [[ "$2" != "$3" ]]; then
    echo "FAIL $1"; echo "--- expected"; echo "$2"; echo "--- actual"; echo "$3"; fail=1
  fi
}

out=$($bin run $data/signup6.json 2>/tmp/err.$$); rc=$?
check "signup exit code" 0 "$rc"
check "signup stdout" '{"t": 50.0, "log": "net"}
{"t": 200.0, "log": "signup 1"}
{"t": 200.0, "log": "signup 2"}
{"t": 200.0, "log": "signup 3"}
{"t": 200.0, "log": "signup 4"}
{"t": 300.0, "log": "signup 5"}
{"t": 300.0, "log": "signup 6"}' "$out"
check "signup stderr" "" "$(cat /tmp/err.$$)"

out=$($bin run $data/typo.json 2>/tmp/err.$$); rc=$?
check "typo exit code" 1 "$rc"
check "typo stdout" "" "$out"
check "typo stderr" "twinloop: $data/typo.json: main[1]: unknown op with keys {\"do\", \"timout\"}; expected one of log, timeout, interval, immediate, nextTick, microtask, cpu, pool, net" "$(cat /tmp/err.$$)"

out=$($bin run $data/negative_delay.json 2>/tmp/err.$$); rc=$?
check "negative exit code" 1 "$rc"
check "negative stderr" "twinloop: $data/negative_delay.json: main[2].timeout: expected a number >= 0" "$(cat /tmp/err.$$)"

out=$($bin run /nonexistent.json 2>/tmp/err.$$); rc=$?
check "missing exit code" 1 "$rc"
check "missing stderr" "twinloop: cannot read /nonexistent.json" "$(cat /tmp/err.$$)"

$bin frobnicate >/dev/null 2>/tmp/err.$$; rc=$?
check "usage exit code" 2 "$rc"
check "usage stderr" "usage: twinloop run FILE.json [--trace=TRACE.jsonl]
       twinloop js FILE.json
Runs a scenario on the simulated platform and prints its log lines,
or prints the same program for Node.js." "$(cat /tmp/err.$$)"

out=$($bin js $data/js.json 2>/tmp/err.$$); rc=$?
check "js exit code" 0 "$rc"
check "js body" "setTimeout(() => {
  out(\"a\");
}, 5.0);
setImmediate(() => {
  out(\"b\");
});" "$(echo "$out" | tail -n +6)"

out=$($bin js $data/signup6.json 2>/tmp/err.$$); rc=$?
check "js of a net op exit code" 1 "$rc"
check "js of a net op stderr" "twinloop: $data/signup6.json: a pool cpu op has no exact Node.js equivalent" "$(cat /tmp/err.$$)"

trace=${TEST_TMPDIR:-/tmp}/trace.jsonl
$bin run --trace=$trace $data/signup6.json >/dev/null; rc=$?
check "trace exit code" 0 "$rc"
check "trace header" "{\"twinloop_trace\":1,\"platform\":\"sim\",\"cores\":2,\"pool_size\":4,\"seed\":1,\"scenario\":\"$data/signup6.json\"}" "$(head -1 $trace)"
check "trace pool starts" 6 "$(grep -c '"ev":"pool_start"' $trace)"
check "trace logs" 7 "$(grep -c '"ev":"log"' $trace)"

# Under `bazel run`, relative paths are the user's, not the runfiles tree's.
out=$(cd /tmp && BUILD_WORKING_DIRECTORY="$OLDPWD/cli" "$OLDPWD/$bin" run testdata/js.json 2>&1); rc=$?
check "bazel run relative path" 0 "$rc"
check "bazel run relative output" '{"t": 0.0, "log": "b"}
{"t": 5.0, "log": "a"}' "$out"

rm -f /tmp/err.$$
if [[ $fail -eq 0 ]]; then echo "all CLI checks passed"; fi
exit $fail
