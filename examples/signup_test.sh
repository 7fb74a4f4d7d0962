#!/usr/bin/env bash
# The README's first command must print the defining scenario's numbers.
set -u
out=$(examples/signup 2>&1)
expected='A 2-core machine, a pool of 4 threads; each signup hashes a password with 100 ms of CPU.

signups  finish times (virtual ms)
1        100   (first hash ef2fd37a…)
2        100 100   (first hash ef2fd37a…)
4        200 200 200 200   (first hash ef2fd37a…)
6        200 200 200 200 300 300   (first hash ef2fd37a…)

1000 network requests of 50 ms: 1000 finished at 50 ms; none used a pool thread.'
if [[ "$out" != "$expected" ]]; then
  echo "unexpected output:"; echo "$out"; exit 1
fi
out=$(examples/signup --signups=8 2>&1 | sed -n 4p)
[[ "$out" == "8        200 200 200 200 400 400 400 400   (first hash ef2fd37a…)" ]] || { echo "8 signups: $out"; exit 1; }
examples/signup --pool_size=0 >/dev/null 2>/tmp/err.$$ && { echo "pool_size=0 accepted"; exit 1; }
grep -q "pool_size must be in \[1, 1024\], got 0" /tmp/err.$$ || { cat /tmp/err.$$; exit 1; }
rm -f /tmp/err.$$
echo "signup example OK"
