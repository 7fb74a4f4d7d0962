'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setImmediate(() => {
  { let c = 0; const h = setInterval(() => {
    out("L0");
    if (++c === 1) clearInterval(h);
  }, 15.0); }
  spin(0.5);
  out("L1");
});
spin(0.5);
