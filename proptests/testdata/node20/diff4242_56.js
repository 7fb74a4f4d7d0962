'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
out("L0");
setTimeout(() => {
  setTimeout(() => {
    setTimeout(() => {
      out("L1");
      queueMicrotask(() => {
        spin(2.0);
        setTimeout(() => {
          spin(21.0);
          out("L2");
        }, 20.0);
      });
    }, 60.0);
  }, 50.0);
}, 35.0);
