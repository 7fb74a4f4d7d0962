#!/usr/bin/env bash
# `twinloop run --trace_chrome --svg` on the six signups: the Chrome trace and
# the SVG parsed and checked (four pool slices ending at 200 ms, two from 200
# to 300 ms), the SVG drawn by a real browser (Chromium, headless) and its
# pixels checked, a replay drawing the same pictures, and the flag errors.
set -u
bin=$PWD/cli/twinloop
data=$PWD/cli/testdata
checker=$PWD/cli/testdata/check_pictures.py
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
expect() {  # name, expected, actual
  if [[ "$2" != "$3" ]]; then
    echo "FAIL $1"; echo "--- expected"; echo "$2"; echo "--- actual"; echo "$3"; fail=1
  fi
}

"$bin" run "$data/signup6.json" --trace_chrome="$tmp/s6.json" --svg="$tmp/s6.svg" \
  --record="$tmp/s6.rec" >"$tmp/out" 2>"$tmp/err"
expect "run exit code" 0 $?
expect "run stderr" "" "$(cat "$tmp/err")"
expect "chrome trace" ok "$(python3 "$checker" chrome "$tmp/s6.json" 2>&1)"
expect "svg" ok "$(python3 "$checker" svg "$tmp/s6.svg" 2>&1)"

# A real browser draws it: Chromium renders the SVG to PNG, and the pixels
# where the bars are must be their colours.
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$chromium" ]]; then
  echo "FAIL chromium is not installed (./bazelw test installs it: apt-get install chromium)"
  fail=1
else
  size=$(python3 -c "
import xml.etree.ElementTree as E, math
r = E.parse('$tmp/s6.svg').getroot()
print('%d,%d' % (math.ceil(float(r.get('width'))), math.ceil(float(r.get('height')))))")
  HOME=$tmp timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --force-device-scale-factor=1 --user-data-dir="$tmp/chromium" --window-size="$size" \
    --screenshot="$tmp/s6.png" "file://$tmp/s6.svg" >"$tmp/chromium.log" 2>&1
  if [[ ! -s "$tmp/s6.png" ]]; then
    echo "FAIL chromium wrote no screenshot"; tail -5 "$tmp/chromium.log"; fail=1
  else
    expect "rendered svg" ok "$(python3 "$checker" png "$tmp/s6.svg" "$tmp/s6.png" 2>&1)"
  fi
fi

# A replay of the run draws the same pictures, byte for byte.
"$bin" replay "$tmp/s6.rec" --trace_chrome="$tmp/r6.json" --svg="$tmp/r6.svg" >/dev/null 2>&1
expect "replay exit code" 0 $?
expect "replayed svg" "" "$(diff <(grep -v 'class="title"' "$tmp/s6.svg") \
                                 <(grep -v 'class="title"' "$tmp/r6.svg"))"
grep -q '>signup6.json (replayed): sim, 2 cores, a pool of 4</text>' "$tmp/r6.svg" ||
  { echo "FAIL replayed svg title: $(grep 'class="title"' "$tmp/r6.svg")"; fail=1; }
expect "replayed chrome trace" ok "$(python3 "$checker" chrome "$tmp/r6.json" 2>&1)"

# Flag errors change nothing.
"$bin" run "$data/signup6.json" --svg="$tmp/same" --trace="$tmp/same" >/dev/null 2>"$tmp/err"
expect "same file exit code" 2 $?
expect "same file message" \
  "twinloop: --trace and --svg name the same file (twinloop --help for usage)" "$(cat "$tmp/err")"
[[ -e "$tmp/same" ]] && { echo "FAIL --svg wrote a file on a usage error"; fail=1; }
"$bin" run "$data/signup6.json" --trace_chrome="$tmp/no/such/dir/x.json" >/dev/null 2>"$tmp/err"
expect "unwritable exit code" 1 $?
grep -q "^twinloop: --trace_chrome: " "$tmp/err" || { echo "FAIL unwritable: $(cat "$tmp/err")"; fail=1; }
"$bin" run "$data/signup6.json" --svg="$data/signup6.json" >/dev/null 2>"$tmp/err"
expect "svg over the input" 2 $?
# A failed run leaves no picture.
"$bin" run "$data/signup6.json" --max_callbacks=3 --svg="$tmp/failed.svg" >/dev/null 2>&1
expect "failed run exit code" 1 $?
[[ -e "$tmp/failed.svg" ]] && { echo "FAIL a failed run left its picture"; fail=1; }

[[ $fail == 0 ]] && echo "pictures OK"
exit $fail
