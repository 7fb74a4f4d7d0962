'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setTimeout(() => {
  setTimeout(() => {
    out("L0");
    setTimeout(() => {
      setImmediate(() => {
        setTimeout(() => {
          out("L1");
        }, 35.0);
      });
      process.nextTick(() => {
        setImmediate(() => {
          out("L2");
          out("L3");
        });
      });
      setImmediate(() => {
        setTimeout(() => {
          out("L4");
          out("L5");
        }, 15.0);
      });
    }, 20.0);
    spin(0.5);
  }, 0.0);
}, 35.0);
