'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
{ let c = 0; const h = setInterval(() => {
  spin(29.0);
  if (++c === 2) clearInterval(h);
}, 35.0); }
out("L0");
out("L1");
spin(3.0);
