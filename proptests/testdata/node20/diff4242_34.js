'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
queueMicrotask(() => {
  spin(3.0);
  setTimeout(() => {
    process.nextTick(() => {
      out("L0");
      setTimeout(() => {
        { let c = 0; const h = setInterval(() => {
          spin(1.0);
          if (++c === 3) clearInterval(h);
        }, 5.0); }
        spin(0.5);
      }, 66.0);
    });
  }, 20.0);
  out("L1");
  out("L2");
  out("L3");
});
spin(0.5);
setTimeout(() => {
  setTimeout(() => {
    out("L4");
  }, 40.0);
}, 15.0);
