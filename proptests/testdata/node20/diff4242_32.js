'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
queueMicrotask(() => {
  setTimeout(() => {
    out("L0");
  }, 3.0);
  setImmediate(() => {
    spin(2.0);
  });
});
queueMicrotask(() => {
  spin(10.0);
  setTimeout(() => {
    out("L1");
    setTimeout(() => {
      process.nextTick(() => {
        setImmediate(() => {
        });
        setTimeout(() => {
        }, 20.0);
      });
    }, 25.0);
    setTimeout(() => {
      out("L2");
    }, 1.0);
  }, 20.0);
  setTimeout(() => {
    queueMicrotask(() => {
      out("L3");
    });
  }, 2.0);
});
