#!/usr/bin/env bash
# io_vs_cpu's key numbers: network requests finish at their latency whatever
# N and the pool; file reads take ceil(N / pool) rounds; hashes queue for the
# pool and share 2 cores.
set -u
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
out=$(examples/io_vs_cpu 2>&1)
table=$(echo "$out" | sed -n '/^N /,/^$/p' | sed '$d')
expected='N       network  file read  hash      network  file read  hash
1       50       10         10        50       10         10
4       50       10         20        50       10         20
8       50       20         40        50       10         40
16      50       40         80        50       20         80
100     50       250        500       50       130        500'
if [[ "$table" != "$expected" ]]; then
  echo "unexpected table:"; diff <(echo "$expected") <(echo "$table"); fail=1
fi
[[ "$out" == *"        pool of 4                     pool of 8"* ]] || { echo "header: $out"; fail=1; }
# 1000 network requests on a pool of 1 still finish at 50 ms.
row=$(examples/io_vs_cpu --requests=1000 --pool_sizes=1 | sed -n '/^1000 /p')
[[ "$row" == "1000    50       10000      10000" ]] || { echo "1000 on a pool of 1: $row"; fail=1; }
examples/io_vs_cpu --pool_sizes=0 >/dev/null 2>"$tmp/err"
[[ $? == 2 && "$(cat "$tmp/err")" == 'io_vs_cpu: --pool_sizes takes numbers in [1, 1024], got "0"' ]] ||
  { echo "pool_sizes=0: $(cat "$tmp/err")"; fail=1; }
[[ $fail == 0 ]] && echo "io_vs_cpu example OK"
exit $fail
