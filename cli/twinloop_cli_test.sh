#!/usr/bin/env bash
# End-to-end checks of the twinloop command: output, errors, exit codes, and
# each class of hostile input from issue #6 (cli/SCENARIOS.md, "Limits").
set -u
bin=$PWD/cli/twinloop
data=$PWD/cli/testdata
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
out=$tmp/out
err=$tmp/err

check() {  # name, expected, actual
  if [[ "$2" != "$3" ]]; then
    echo "FAIL $1"; echo "--- expected"; echo "$2"; echo "--- actual"; echo "$3"; fail=1
  fi
}
contains() {  # name, needle, haystack
  if [[ "$3" != *"$2"* ]]; then
    echo "FAIL $1"; echo "--- expected to contain"; echo "$2"; echo "--- actual"; echo "$3"; fail=1
  fi
}
# Every message is exactly one line of printable text: no control bytes.
one_clean_line() {  # name, file
  local lines
  lines=$(wc -l < "$2")
  check "$1: one line" 1 "$lines"
  if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$2"; then
    echo "FAIL $1: control characters in the message"; fail=1
  fi
  if ! iconv -f UTF-8 -t UTF-8 "$2" >/dev/null 2>&1; then
    echo "FAIL $1: the message is not valid UTF-8"; fail=1
  fi
}
run() {  # args...: runs twinloop, stdout to $out, stderr to $err, sets rc
  "$bin" "$@" >"$out" 2>"$err"; rc=$?
}

# --- The basics ------------------------------------------------------------
run run "$data/signup6.json"
check "signup exit code" 0 "$rc"
check "signup stdout" '{"t": 50.0, "log": "net"}
{"t": 200.0, "log": "signup 1"}
{"t": 200.0, "log": "signup 2"}
{"t": 200.0, "log": "signup 3"}
{"t": 200.0, "log": "signup 4"}
{"t": 300.0, "log": "signup 5"}
{"t": 300.0, "log": "signup 6"}' "$(cat "$out")"
check "signup stderr" "" "$(cat "$err")"

run run "$data/typo.json"
check "typo exit code" 1 "$rc"
check "typo stdout" "" "$(cat "$out")"
check "typo stderr" "twinloop: $data/typo.json: main[1]: unknown op with keys {\"do\", \"timout\"}; expected one of log, timeout, interval, immediate, nextTick, microtask, cpu, pool, net, writeFile, readFile, stat, unlink, listen, connect, onData, onEnd, onClose, write, end, destroy, closeServer" "$(cat "$err")"

run run "$data/negative_delay.json"
check "negative exit code" 1 "$rc"
check "negative stderr" "twinloop: $data/negative_delay.json: main[2].timeout: expected a number >= 0" "$(cat "$err")"

run run /nonexistent.json
check "missing exit code" 1 "$rc"
check "missing stderr" "twinloop: /nonexistent.json: cannot read: No such file or directory" "$(cat "$err")"

run js "$data/js.json"
check "js exit code" 0 "$rc"
check "js body" "setTimeout(() => {
  out(\"a\");
}, 5.0);
setImmediate(() => {
  out(\"b\");
});" "$(tail -n +6 "$out")"

run js "$data/signup6.json"
check "js of a pool cpu op exit code" 1 "$rc"
check "js of a pool cpu op stderr" "twinloop: $data/signup6.json: a pool cpu op has no exact Node.js equivalent" "$(cat "$err")"

trace=$tmp/trace.jsonl
run run --trace="$trace" "$data/signup6.json"
check "trace exit code" 0 "$rc"
check "trace header" "{\"twinloop_trace\":1,\"platform\":\"sim\",\"cores\":2,\"pool_size\":4,\"seed\":1,\"scenario\":\"$data/signup6.json\"}" "$(head -1 "$trace")"
check "trace pool starts" 6 "$(grep -c '"ev":"pool_start"' "$trace")"
check "trace logs" 7 "$(grep -c '"ev":"log"' "$trace")"

# Under `bazel run`, relative paths are the user's, not the runfiles tree's.
o=$(cd /tmp && BUILD_WORKING_DIRECTORY="$data" "$bin" run js.json 2>&1); rc=$?
check "bazel run relative path" 0 "$rc"
check "bazel run relative output" '{"t": 0.0, "log": "b"}
{"t": 5.0, "log": "a"}' "$o"

# Standard input.
"$bin" run - < "$data/js.json" >"$out" 2>"$err"; rc=$?
check "stdin exit code" 0 "$rc"
check "stdin output" '{"t": 0.0, "log": "b"}
{"t": 5.0, "log": "a"}' "$(cat "$out")"
printf '%s' "$(cat "$data/js.json")" | "$bin" run --max_input_bytes=10 - >"$out" 2>"$err"; rc=$?
check "stdin cap exit code" 1 "$rc"
check "stdin cap message" "twinloop: -: larger than 10 bytes; raise --max_input_bytes to read it" "$(cat "$err")"

# --- 1. Virtual time has a limit: a clear error, never an abort or a hang ---
limit="would pass the virtual time limit of 10^18 ns (about 31.7 years)"
{ printf '{"version": 1, "main": [{"interval": 1, "times": 1, "do": ['
  for ((i = 0; i < 9224; i++)); do printf '{"cpu": 1e9},'; done
  printf '{"log": "x"}]}]}'; } > "$tmp/cpu.json"
timeout 60 "$bin" run "$tmp/cpu.json" >"$out" 2>"$err"; rc=$?
check "time limit by cpu: exit code" 1 "$rc"
check "time limit by cpu: message" "twinloop: $tmp/cpu.json: run failed: the loop thread's CPU work of 1000000000000000 ns $limit" "$(cat "$err")"
echo '{"version": 1, "main": [{"interval": 1e9, "times": 9224}]}' > "$tmp/iv.json"
timeout 60 "$bin" run "$tmp/iv.json" >"$out" 2>"$err"; rc=$?
check "time limit by interval: exit code" 1 "$rc"
check "time limit by interval: message" "twinloop: $tmp/iv.json: run failed: a poll that waits 1000000000000000 ns $limit" "$(cat "$err")"
{ printf '{"version": 1, "config": {"pool_size": 1}, "main": ['
  for ((i = 0; i < 1000; i++)); do printf '{"pool": {"io": 1e9}},'; done
  printf '{"pool": {"io": 1e9}}]}'; } > "$tmp/io.json"
timeout 60 "$bin" run "$tmp/io.json" >"$out" 2>"$err"; rc=$?
check "time limit by pool io: exit code" 1 "$rc"
check "time limit by pool io: message" "twinloop: $tmp/io.json: run failed: pool work 1001 on pool thread 0: an event 1000000000000000 ns from now $limit" "$(cat "$err")"

# --- 2. Deep input is refused while parsing, and never printed whole -------
{ printf '{"version": '; head -c 60000 /dev/zero | tr '\0' '['; } > "$tmp/deep.json"
timeout 60 "$bin" run "$tmp/deep.json" >"$out" 2>"$err"; rc=$?
check "deep version: exit code" 1 "$rc"
contains "deep version: message" ": JSON nested deeper than 512 levels" "$(cat "$err")"
one_clean_line "deep version" "$err"
head -c 50000000 /dev/zero | tr '\0' '[' > "$tmp/brackets.json"
timeout 60 "$bin" run --max_input_bytes=60000000 "$tmp/brackets.json" >"$out" 2>"$err"; rc=$?
check "50 MB of [: exit code" 1 "$rc"
contains "50 MB of [: message" ": JSON nested deeper than 512 levels" "$(cat "$err")"

# --- 3. A file name that is not UTF-8, with --trace ---------------------------
bad_name=$tmp/$'\xff\xfe'.json
cp "$data/js.json" "$bad_name"
run run --trace="$tmp/t3.jsonl" "$bad_name"
check "non-UTF-8 name: exit code" 0 "$rc"
contains "non-UTF-8 name: header" '"scenario":"'"$tmp"'/\ufffd\ufffd.json"' "$(head -1 "$tmp/t3.jsonl" | sed 's/\xef\xbf\xbd/\\ufffd/g')"
run run "$tmp/$'\x1b'[2J.json"
one_clean_line "escaped missing name" "$err"

# --- 4. Input without limits -------------------------------------------------
run run /dev/zero
check "/dev/zero: exit code" 1 "$rc"
check "/dev/zero: message" "twinloop: /dev/zero: is a character device, not a regular file; pass --allow_special_files to read it anyway" "$(cat "$err")"
mkfifo "$tmp/fifo"
timeout 10 "$bin" run "$tmp/fifo" >"$out" 2>"$err"; rc=$?
check "FIFO without a writer: exit code" 1 "$rc"
check "FIFO without a writer: message" "twinloop: $tmp/fifo: is a FIFO, not a regular file; pass --allow_special_files to read it anyway" "$(cat "$err")"
timeout 10 "$bin" run --allow_special_files --max_input_bytes=1000000 /dev/zero >"$out" 2>"$err"; rc=$?
check "allowed /dev/zero is still capped" "1 twinloop: /dev/zero: larger than 1000000 bytes; raise --max_input_bytes to read it" "$rc $(cat "$err")"
timeout 10 "$bin" run --flagfile=/dev/zero "$data/js.json" >"$out" 2>"$err"; rc=$?
check "flagfile /dev/zero: exit code" 2 "$rc"
check "flagfile /dev/zero: message" "twinloop: --flagfile=/dev/zero: is a character device, not a regular file; pass --allow_special_files to read it anyway (twinloop --help for usage)" "$(cat "$err")"
run run "$tmp"
check "directory input" "1 twinloop: $tmp: is a directory, not a scenario file" "$rc $(cat "$err")"
run run --max_input_bytes=0 "$data/js.json"
check "max_input_bytes range" "2 twinloop: --max_input_bytes must be in [1, 1073741824], got 0 (twinloop --help for usage)" "$rc $(cat "$err")"

# --- 5. Endless programs: output streams, a budget stops them ----------------
echo '{"version": 1, "main": [{"interval": 0, "times": 1000000000, "do": [{"log": "x"}]}]}' > "$tmp/endless.json"
run run --max_callbacks=1000 "$tmp/endless.json"
check "budget: exit code" 1 "$rc"
check "budget: message" "twinloop: $tmp/endless.json: run failed: the run reached its budget of 1000 callbacks at virtual time 1000 ms; raise --max_callbacks, or set it to 0 for no limit" "$(cat "$err")"
check "budget: output up to the stop" 999 "$(wc -l < "$out")"
echo '{"version": 1, "main": [{"interval": 0, "times": 1000, "do": [{"interval": 0, "times": 1000, "do": [{"interval": 0, "times": 1000, "do": [{"log": "x"}]}]}]}]}' > "$tmp/nested.json"
run run --max_callbacks=5000 "$tmp/nested.json"
check "nested intervals stop at the budget" 1 "$rc"
contains "nested intervals message" "the run reached its budget of 5000 callbacks" "$(cat "$err")"
run run --max_pending=100 "$tmp/nested.json"
check "pending: exit code" 1 "$rc"
contains "pending: message" "run failed: the run holds more than 100 pending callbacks (timers, immediates, ticks, microtasks, pool and network requests) at virtual time" "$(cat "$err")"
# Streams until interrupted: lines arrive before the end, and SIGINT
# flushes them.
rm -f "$out" "$err"
"$bin" run --max_callbacks=0 "$tmp/endless.json" >"$out" 2>"$err" &
pid=$!
for ((i = 0; i < 100; i++)); do [[ -f "$out" && $(wc -l < "$out") -ge 2 ]] && break; sleep 0.1; done
kill -INT $pid; wait $pid; rc=$?
check "SIGINT: killed by SIGINT" 130 "$rc"
check "SIGINT: message" "twinloop: $tmp/endless.json: interrupted by SIGINT; the output so far was flushed" "$(cat "$err")"
last=$(tail -c 1 "$out" | od -An -c | tr -d ' ')
check "SIGINT: output ends with a whole line" '\n' "$last"
if [[ $(wc -l < "$out") -lt 2 ]]; then echo "FAIL SIGINT: output was not streamed"; fail=1; fi

# --- 6. Messages escape control characters and cut long input ----------------
printf '{"version": 1, "main": [{"\\u001b[2J\\u0007x\\ny": 1}]}' > "$tmp/ctrl.json"
run run "$tmp/ctrl.json"
check "escaped key: message" "twinloop: $tmp/ctrl.json: main[0]: unknown op with keys {\"\\x1b[2J\\x07x\\ny\"}; expected one of log, timeout, interval, immediate, nextTick, microtask, cpu, pool, net, writeFile, readFile, stat, unlink, listen, connect, onData, onEnd, onClose, write, end, destroy, closeServer" "$(cat "$err")"
one_clean_line "escaped key" "$err"
printf '{"version": 1, "main": [{"\x1b[2J\x07": 1}]}' > "$tmp/raw_ctrl.json"
run run "$tmp/raw_ctrl.json"
check "raw control bytes: exit code" 1 "$rc"
one_clean_line "raw control bytes" "$err"
printf '{"version": 1, "main": [\xff\xfe]}' > "$tmp/bytes.json"
run run "$tmp/bytes.json"
one_clean_line "raw bytes in a parse error" "$err"
contains "raw bytes in a parse error" 'last read: '"'"'"main": [\xff'"'" "$(cat "$err")"
{ printf '{"version": 1, "main": [{"log": "a", "'; head -c 5000000 /dev/zero | tr '\0' k; printf '": 1}]}'; } > "$tmp/bigkey.json"
run run "$tmp/bigkey.json"
check "5 MB key: exit code" 1 "$rc"
if [[ $(wc -c < "$err") -gt 300 ]]; then echo "FAIL 5 MB key: message of $(wc -c < "$err") bytes"; fail=1; fi
one_clean_line "5 MB key" "$err"

# --- 7. Write errors are never silent ----------------------------------------
"$bin" run "$data/signup6.json" >/dev/full 2>"$err"; rc=$?
check "stdout /dev/full" "1 twinloop: cannot write standard output: No space left on device" "$rc $(cat "$err")"
"$bin" run "$data/signup6.json" >&- 2>"$err"; rc=$?
check "stdout closed" "1 twinloop: cannot write standard output: it is closed" "$rc $(cat "$err")"
"$bin" js "$data/js.json" >/dev/full 2>"$err"; rc=$?
check "js to /dev/full" "1 twinloop: cannot write standard output: No space left on device" "$rc $(cat "$err")"
run run --trace=/dev/full "$data/signup6.json"
check "trace /dev/full" "1 twinloop: --trace: cannot write /dev/full: No space left on device" "$rc $(cat "$err")"
run run --trace=/proc/self/status "$data/signup6.json"
check "trace /proc/self/status: exit code" 1 "$rc"
contains "trace /proc/self/status: message" "twinloop: --trace: cannot create a temporary file next to /proc/self/status" "$(cat "$err")"

# --- 8. The trace never overwrites the input, and never appears half-written -
cp "$data/js.json" "$tmp/input.json"
run run --trace="$tmp/input.json" "$tmp/input.json"
check "trace = input: exit code" 2 "$rc"
check "trace = input: message" "twinloop: --trace=$tmp/input.json is the scenario file itself; write the trace elsewhere (twinloop --help for usage)" "$(cat "$err")"
check "trace = input: input unchanged" "$(cat "$data/js.json")" "$(cat "$tmp/input.json")"
mkdir -p "$tmp/traces"
run run --max_callbacks=10 --trace="$tmp/traces/t.jsonl" "$tmp/endless.json"
check "failed run: exit code" 1 "$rc"
check "failed run leaves no trace, not even a temporary one" "" "$(ls -A "$tmp/traces")"

# --- 9. A NUL byte does not end the document ---------------------------------
printf '{"version": 1, "main": []}\0garbage' > "$tmp/nul.json"
run run "$tmp/nul.json"
check "NUL byte" "1 twinloop: $tmp/nul.json: scenario is not valid JSON: a NUL byte at offset 26" "$rc $(cat "$err")"

# --- 10. Usage and exit codes -------------------------------------------------
run frobnicate
check "unknown command" "2 twinloop: unknown command \"frobnicate\" (twinloop --help for usage)" "$rc $(cat "$err")"
run
check "no command" "2 twinloop: a command is missing (twinloop --help for usage)" "$rc $(cat "$err")"
run run --frob "$data/js.json"
check "unknown flag" "2 twinloop: unknown flag --frob (twinloop --help for usage)" "$rc $(cat "$err")"
run run "$data/js.json" --trace
check "flag without a value" "2 twinloop: --trace needs a value (twinloop --help for usage)" "$rc $(cat "$err")"
run run --max_callbacks=lots "$data/js.json"
check "bad flag value: exit code" 2 "$rc"
contains "bad flag value: message" "twinloop: --max_callbacks: " "$(cat "$err")"
run run --flagfile=/nonexistent "$data/js.json"
check "bad flagfile" "2 twinloop: --flagfile=/nonexistent: cannot read: No such file or directory (twinloop --help for usage)" "$rc $(cat "$err")"
printf -- '# a comment\n--max_callbacks=3\n' > "$tmp/flags"
run run --flagfile="$tmp/flags" "$tmp/endless.json"
check "flagfile applies" 1 "$rc"
contains "flagfile applies: message" "budget of 3 callbacks" "$(cat "$err")"
run js --trace="$tmp/x" "$data/js.json"
check "js rejects flags it does not use" "2 twinloop: twinloop js does not take --trace (twinloop --help for usage)" "$rc $(cat "$err")"
run run "$data/js.json" "$data/js.json"
check "two files" "2 twinloop: twinloop run takes one scenario file, got 2 (twinloop --help for usage)" "$rc $(cat "$err")"
run --help
check "help: exit code" 0 "$rc"
contains "help: on stdout" "usage: twinloop run FILE.json" "$(cat "$out")"
check "help: stderr empty" "" "$(cat "$err")"

# --- 11. One rule for integers; duplicate keys -------------------------------
echo '{"version": 1, "config": {"cores": 2.0}, "main": []}' > "$tmp/cores.json"
run run "$tmp/cores.json"
check "cores 2.0" "1 twinloop: $tmp/cores.json: config.cores: expected an integer in [1, 1024], written without a fraction or exponent; got 2.0" "$rc $(cat "$err")"
echo '{"version": 1, "main": [{"timeout": -1, "timeout": 1}]}' > "$tmp/dup.json"
run run "$tmp/dup.json"
check "duplicate key" "1 twinloop: $tmp/dup.json: main[0]: duplicate key \"timeout\"" "$rc $(cat "$err")"

# --- 12. Paths -----------------------------------------------------------------
o=$(BUILD_WORKING_DIRECTORY= "$bin" run js.json 2>&1); rc=$?
check "empty BUILD_WORKING_DIRECTORY" "2 twinloop: BUILD_WORKING_DIRECTORY is set but empty, so relative paths have no base; unset it, or set it to the directory they are relative to (twinloop --help for usage)" "$rc $o"

# --- The real platform ----------------------------------------------------------
run run --platform=real "$data/js.json"
check "real: exit code" 0 "$rc"
check "real: Node's order" "b a" "$(sed 's/.*"log": "\(.*\)"}/\1/' "$out" | tr '\n' ' ' | sed 's/ $//')"
if ! grep -qE '^\{"t": [0-9]+(\.[0-9]{1,3})?, "log": "a"\}$' "$out"; then
  echo "FAIL real: t is wall milliseconds to the microsecond"; cat "$out"; fail=1
fi
run run --platform=bogus "$data/js.json"
check "bad platform" "2 twinloop: --platform must be sim or real, got \"bogus\" (twinloop --help for usage)" "$rc $(cat "$err")"
echo '{"version": 1, "config": {"cores": 1024}, "main": []}' > "$tmp/cores.json"
run run --platform=real "$tmp/cores.json"
check "too many cores: exit code" 1 "$rc"
contains "too many cores: message" "run failed: the scenario asks for 1024 cores, but this machine lets the run use" "$(cat "$err")"
run run --platform=real --trace="$tmp/real.jsonl" "$data/signup6.json"
check "real trace: exit code" 0 "$rc"
contains "real trace: header" '"platform":"real"' "$(head -1 "$tmp/real.jsonl")"
check "real trace: six pool starts" 6 "$(grep -c '"ev":"pool_start"' "$tmp/real.jsonl")"

# --- Metrics --------------------------------------------------------------------
# On the simulator every number is exact: three waits in poll (to 50, 200 and
# 300 ms), the 5th and 6th signups queued for 200 ms.
run run --metrics "$data/signup6.json"
check "metrics: exit code" 0 "$rc"
check "metrics: stdout unchanged" 7 "$(wc -l < "$out")"
check "metrics: one JSON object on stderr" '{"iterations":3,"callbacks":{"main":1,"timers":0,"pending":0,"idle":0,"prepare":0,"poll":7,"check":0,"close":0,"shutdown":0},"next_ticks":0,"microtasks":0,"idle_ms":300.0,"elapsed_ms":300.0,"utilization":0.0,"timer_lag_ms":{"count":0,"p50":0.0,"p99":0.0,"max":0.0},"pool":{"queued":0,"busy":0,"max_queued":2,"max_busy":4},"queue_wait_ms":{"count":6,"p50":0.0,"p99":200.0,"max":200.0}}' "$(cat "$err")"
run run "$data/signup6.json"
check "metrics: none unless asked" "" "$(cat "$err")"
# On the machine only the counts are certain.
run run --metrics --platform=real "$data/signup6.json"
check "real metrics: exit code" 0 "$rc"
contains "real metrics: callbacks" '"callbacks":{"main":1,"timers":0,"pending":0,"idle":0,"prepare":0,"poll":7,' "$(cat "$err")"
contains "real metrics: pool" '"max_busy":4}' "$(cat "$err")"
contains "real metrics: queue waits" '"queue_wait_ms":{"count":6,' "$(cat "$err")"
run run --metrics --max_callbacks=3 "$data/signup6.json"
check "metrics of a failed run: exit code" 1 "$rc"
contains "metrics of a failed run: printed first" '"callbacks":{"main":1,"timers":0,"pending":0,"idle":0,"prepare":0,"poll":3,' "$(head -1 "$err")"
contains "metrics of a failed run: then the error" "run failed: the run reached its budget of 3 callbacks" "$(tail -1 "$err")"
run js --metrics "$data/js.json"
check "metrics is a run flag" 2 "$rc"

# --- Record and replay -------------------------------------------------------------
rec=$tmp/run.rec
run run --record="$rec" --trace="$tmp/rec.jsonl" "$data/signup6.json"
check "record: exit code" 0 "$rc"
cp "$out" "$tmp/recorded.out"
contains "record: magic" "twinloop-record" "$(head -c 16 "$rec")"
run replay "$rec" --trace="$tmp/replay.jsonl"
check "replay: exit code" 0 "$rc"
check "replay: the same stdout, byte for byte" "$(cat "$tmp/recorded.out")" "$(cat "$out")"
check "replay: the same trace, byte for byte" "$(cat "$tmp/rec.jsonl")" "$(cat "$tmp/replay.jsonl")"
check "replay: quiet" "" "$(cat "$err")"
run run --platform=real --record="$tmp/real.rec" "$data/signup6.json"
cp "$out" "$tmp/real.out"
run replay "$tmp/real.rec"
check "replay of a real run: exit code" 0 "$rc"
check "replay of a real run: the same stdout" "$(cat "$tmp/real.out")" "$(cat "$out")"
sed 's/"cpu": 100}, "do": \[{"log": "signup 3"/"cpu": 101}, "do": [{"log": "signup 3"/' "$data/signup6.json" > "$tmp/changed.json"
run replay "$rec" --scenario="$tmp/changed.json"
check "divergence: exit code" 3 "$rc"
check "divergence: report" "twinloop: replaying $tmp/changed.json against a record of another program ($data/signup6.json)
twinloop: $rec: replay diverged at input #9
twinloop:   recorded: submit pool work 3 (cpu: cpu 100 ms)
twinloop:   program:  submit pool work 3 (cpu: cpu 101 ms)
twinloop:   before it:
twinloop:     #4 platform event pool_enqueue on loop id 2 at 0 ms
twinloop:     #5 platform event pool_start on pool-1 id 2 at 0 ms
twinloop:     #6 submit pool work 2 (cpu: cpu 100 ms)
twinloop:     #7 platform event pool_enqueue on loop id 3 at 0 ms
twinloop:     #8 platform event pool_start on pool-2 id 3 at 0 ms" "$(cat "$err")"
run replay "$rec" --scenario="$data/signup6.json"
check "replay against the same program given again" 0 "$rc"
# Bad records: one line, exit 1, no output.
: > "$tmp/empty.rec"
run replay "$tmp/empty.rec"
check "empty record" "1 twinloop: $tmp/empty.rec: the record is empty" "$rc $(cat "$err")"
run replay "$data/signup6.json"
check "a scenario given as a record" "1 twinloop: $data/signup6.json: not a twinloop record (it does not start with \"twinloop-record\")" "$rc $(cat "$err")"
head -c 100 "$rec" > "$tmp/cut.rec"
run replay "$tmp/cut.rec"
check "truncated record: exit code" 1 "$rc"
contains "truncated record: message" "the record is truncated at byte " "$(cat "$err")"
check "truncated record: one line" 1 "$(wc -l < "$err")"
python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[-20]^=1; open(sys.argv[2],'wb').write(b)" "$rec" "$tmp/flip.rec"
run replay "$tmp/flip.rec"
check "corrupt record: exit code and no output" "1 " "$rc $(cat "$out")"
contains "corrupt record: message" "the record is corrupt" "$(cat "$err")"
run replay "$rec" --scenario=/nonexistent.json
check "replay --scenario missing" "1 twinloop: /nonexistent.json: cannot read: No such file or directory" "$rc $(cat "$err")"
run run --record="$tmp/x" --trace="$tmp/x" "$data/signup6.json"
check "record and trace the same file" "2 twinloop: --trace and --record name the same file (twinloop --help for usage)" "$rc $(cat "$err")"
cp "$data/signup6.json" "$tmp/self.json"
run run --record="$tmp/self.json" "$tmp/self.json"
check "record over the scenario" "2 twinloop: --record=$tmp/self.json is the scenario file itself; write the record elsewhere (twinloop --help for usage)" "$rc $(cat "$err")"
run replay "$rec" --platform=real
check "replay takes no --platform" 2 "$rc"
run replay
check "replay without a record" "2 twinloop: twinloop replay takes one record file, got 0 (twinloop --help for usage)" "$rc $(cat "$err")"
# A record of a failed run is kept, and replays the same failure.
run run --record="$tmp/failed.rec" --max_callbacks=3 "$data/signup6.json"
check "record of a failed run: exit code" 1 "$rc"
cp "$err" "$tmp/failed.err"
run replay "$tmp/failed.rec" --max_callbacks=3
check "replay of a failed run: the same failure" "1 $(sed "s|$data/signup6.json|$tmp/failed.rec|" "$tmp/failed.err")" "$rc $(cat "$err")"

if [[ $fail -eq 0 ]]; then echo "all CLI checks passed"; fi
exit $fail
