// One thread-pool round trip at a time, 20,000 of them: crypto.randomFill of
// one byte is the smallest task Node sends to libuv's pool (uv_queue_work),
// as bench/real_bench.cc's QueueWorkRoundTrip sends an empty one.
const crypto = require('crypto');
const N = 20000;
const buf = Buffer.alloc(1);
let done = 0;
const start = process.hrtime.bigint();
function submit() {
  crypto.randomFill(buf, () => {
    if (++done < N) return submit();
    const s = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(JSON.stringify({workload: 'queue_work_round_trip', ops_per_s: N / s}));
  });
}
submit();
