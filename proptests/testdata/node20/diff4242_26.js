'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
spin(2.0);
setTimeout(() => {
  process.nextTick(() => {
    setImmediate(() => {
      queueMicrotask(() => {
        out("L0");
      });
      out("L1");
      setTimeout(() => {
        setImmediate(() => {
          out("L2");
          setImmediate(() => {
            setTimeout(() => {
            }, 5.0);
          });
        });
        process.nextTick(() => {
          setImmediate(() => {
            spin(1.0);
            setImmediate(() => {
              out("L3");
              out("L4");
            });
          });
          setImmediate(() => {
          });
        });
      }, 20.0);
    });
  });
}, 40.0);
