'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
{ let c = 0; const h = setInterval(() => {
  out("A");
  setImmediate(() => {
    out("I");
  });
  queueMicrotask(() => {
    spin(10.0);
    setTimeout(() => {
      out("C");
    }, 50.0);
  });
  if (++c === 2) clearInterval(h);
}, 5.0); }
