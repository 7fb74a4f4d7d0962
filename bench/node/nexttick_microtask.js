// 100,000 process.nextTick and 100,000 queueMicrotask callbacks drained
// after the main script, as bench/real_bench.cc's NextTickMicrotask. Best of
// 5 rounds, each queued from a fresh macrotask.
const N = 100000;
let best = 0, round = 0;
function run() {
  let ran = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    process.nextTick(() => ++ran);
    queueMicrotask(() => ++ran);
  }
  queueMicrotask(() => {});  // drained with the others
  setImmediate(() => {
    const s = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, (2 * N) / s);
    if (++round < 5) return run();
    console.log(JSON.stringify({workload: 'nexttick_microtask', ops_per_s: best}));
  });
}
run();
