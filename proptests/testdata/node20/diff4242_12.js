'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setImmediate(() => {
  setImmediate(() => {
    process.nextTick(() => {
      out("L0");
    });
  });
});
out("L1");
{ let c = 0; const h = setInterval(() => {
  out("L2");
  if (++c === 1) clearInterval(h);
}, 40.0); }
out("L3");
