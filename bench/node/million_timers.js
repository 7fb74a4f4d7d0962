// 1,000,000 timers whose timeouts step by 1 ms every 1000, all fired: the
// CPU time of starting and dispatching them (as bench/real_bench.cc's
// MillionTimers), not the second of wall time the timeouts take.
const N = 1000000;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const t0 = cpu();
let fired = 0;
for (let i = 0; i < N; i++) setTimeout(() => { if (++fired === N) done(); }, 1 + Math.floor(i / 1000));
const t1 = cpu();
function done() {
  const t2 = cpu();
  console.log(JSON.stringify({workload: 'million_timers', cpu_s: t2 - t0,
                              start_ns_per_timer: (t1 - t0) * 1e9 / N,
                              dispatch_ns_per_timer: (t2 - t1) * 1e9 / N}));
}
