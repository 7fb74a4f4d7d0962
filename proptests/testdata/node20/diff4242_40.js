'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setImmediate(() => {
  queueMicrotask(() => {
    out("L0");
  });
  queueMicrotask(() => {
    setTimeout(() => {
      queueMicrotask(() => {
        out("L1");
      });
      out("L2");
    }, 55.0);
    setTimeout(() => {
      process.nextTick(() => {
        spin(17.0);
      });
      out("L3");
    }, 10.0);
    queueMicrotask(() => {
      out("L4");
    });
  });
});
out("L5");
setTimeout(() => {
  setTimeout(() => {
    process.nextTick(() => {
      setTimeout(() => {
        spin(0.5);
      }, 0.0);
    });
  }, 0.0);
}, 45.0);
out("L6");
spin(2.0);
