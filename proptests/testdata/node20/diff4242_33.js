'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
spin(48.0);
process.nextTick(() => {
  queueMicrotask(() => {
    spin(3.0);
    setTimeout(() => {
      setImmediate(() => {
        spin(0.5);
      });
    }, 5.0);
    out("L0");
  });
  setTimeout(() => {
    out("L1");
    queueMicrotask(() => {
      out("L2");
      setTimeout(() => {
        setTimeout(() => {
        }, 2.0);
      }, 20.0);
      setImmediate(() => {
        queueMicrotask(() => {
          out("L3");
          queueMicrotask(() => {
            spin(2.0);
            setTimeout(() => {
              out("L4");
              out("L5");
            }, 70.0);
          });
        });
      });
    });
    queueMicrotask(() => {
    });
  }, 3.0);
});
