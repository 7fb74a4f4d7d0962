'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
queueMicrotask(() => {
  setTimeout(() => {
    spin(1.0);
  }, 0.0);
});
queueMicrotask(() => {
  out("L0");
  out("L1");
  { let c = 0; const h = setInterval(() => {
    setImmediate(() => {
      setTimeout(() => {
        setTimeout(() => {
          setTimeout(() => {
          }, 15.0);
        }, 55.0);
        queueMicrotask(() => {
          out("L2");
        });
      }, 20.0);
    });
    if (++c === 1) clearInterval(h);
  }, 10.0); }
});
out("L3");
spin(21.0);
