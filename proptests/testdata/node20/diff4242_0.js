'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setTimeout(() => {
  setTimeout(() => {
    out("L0");
    out("L1");
  }, 15.0);
  out("L2");
}, 60.0);
queueMicrotask(() => {
  queueMicrotask(() => {
    spin(9.0);
    setTimeout(() => {
      queueMicrotask(() => {
        out("L3");
        setTimeout(() => {
          process.nextTick(() => {
          });
        }, 45.0);
      });
      out("L4");
    }, 35.0);
    process.nextTick(() => {
      spin(3.0);
      setTimeout(() => {
        process.nextTick(() => {
          setImmediate(() => {
            setImmediate(() => {
            });
          });
          queueMicrotask(() => {
            out("L5");
          });
        });
      }, 60.0);
    });
  });
});
