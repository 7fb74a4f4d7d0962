'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
process.nextTick(() => {
  out("L0");
});
spin(3.0);
setImmediate(() => {
  out("L1");
  setTimeout(() => {
    queueMicrotask(() => {
      setImmediate(() => {
        out("L2");
      });
      setTimeout(() => {
        queueMicrotask(() => {
          process.nextTick(() => {
          });
        });
        setImmediate(() => {
        });
      }, 25.0);
    });
  }, 10.0);
});
