'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
out("L0");
setTimeout(() => {
  setTimeout(() => {
    setTimeout(() => {
      setTimeout(() => {
        process.nextTick(() => {
          setTimeout(() => {
            setTimeout(() => {
              out("L1");
            }, 61.0);
            setTimeout(() => {
              out("L2");
              out("L3");
            }, 50.0);
          }, 1.0);
          setImmediate(() => {
          });
        });
      }, 102.0);
      out("L4");
      setImmediate(() => {
        out("L5");
      });
    }, 50.0);
    setImmediate(() => {
      out("L6");
      setImmediate(() => {
        spin(2.0);
        queueMicrotask(() => {
        });
      });
    });
  }, 2.0);
  spin(0.5);
}, 20.0);
setTimeout(() => {
  setImmediate(() => {
  });
}, 15.0);
