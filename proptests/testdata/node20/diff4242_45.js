'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
out("L0");
out("L1");
setTimeout(() => {
  setTimeout(() => {
    out("L2");
    out("L3");
    setTimeout(() => {
      setImmediate(() => {
        queueMicrotask(() => {
          spin(3.0);
          setTimeout(() => {
            spin(40.0);
            setImmediate(() => {
              out("L4");
            });
          }, 20.0);
        });
      });
    }, 25.0);
  }, 4.0);
}, 15.0);
