// A setImmediate that queues the next one, 200,000 deep: one per loop
// iteration, as bench/real_bench.cc's ImmediateChain.
const N = 200000;
let ran = 0;
const start = process.hrtime.bigint();
function next() {
  if (++ran < N) return setImmediate(next);
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({workload: 'immediate_chain', ops_per_s: N / s}));
}
setImmediate(next);
