'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
spin(1.0);
process.nextTick(() => {
  setTimeout(() => {
    out("L0");
  }, 20.0);
  out("L1");
  spin(0.5);
});
{ let c = 0; const h = setInterval(() => {
  queueMicrotask(() => {
    out("L2");
  });
  if (++c === 2) clearInterval(h);
}, 20.0); }
