'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
spin(38.0);
queueMicrotask(() => {
  setImmediate(() => {
    queueMicrotask(() => {
      setTimeout(() => {
        { let c = 0; const h = setInterval(() => {
          out("L0");
          if (++c === 2) clearInterval(h);
        }, 5.0); }
        process.nextTick(() => {
        });
      }, 10.0);
      out("L1");
    });
  });
  out("L2");
});
setTimeout(() => {
  setImmediate(() => {
    out("L3");
    out("L4");
    spin(2.0);
  });
  out("L5");
}, 98.0);
out("L6");
