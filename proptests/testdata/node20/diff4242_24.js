'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setImmediate(() => {
  setTimeout(() => {
    out("L0");
  }, 67.0);
});
queueMicrotask(() => {
  spin(5.0);
  setTimeout(() => {
    queueMicrotask(() => {
      setTimeout(() => {
        process.nextTick(() => {
          spin(24.0);
          queueMicrotask(() => {
          });
        });
      }, 1.0);
    });
    setTimeout(() => {
      queueMicrotask(() => {
        spin(6.0);
        setTimeout(() => {
          setTimeout(() => {
            process.nextTick(() => {
              spin(9.0);
              setTimeout(() => {
              }, 15.0);
            });
            queueMicrotask(() => {
              out("L1");
              out("L2");
            });
          }, 5.0);
          setTimeout(() => {
            setImmediate(() => {
            });
            process.nextTick(() => {
              out("L3");
              out("L4");
            });
          }, 72.0);
        }, 40.0);
        process.nextTick(() => {
        });
      });
    }, 15.0);
  }, 50.0);
});
