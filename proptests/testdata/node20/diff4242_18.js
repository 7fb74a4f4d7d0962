'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setTimeout(() => {
  spin(1.0);
  queueMicrotask(() => {
    setTimeout(() => {
      setImmediate(() => {
        setImmediate(() => {
          process.nextTick(() => {
            spin(7.0);
            setTimeout(() => {
            }, 40.0);
          });
        });
      });
      out("L0");
    }, 25.0);
    setTimeout(() => {
      out("L1");
      setTimeout(() => {
        { let c = 0; const h = setInterval(() => {
          out("L2");
          if (++c === 1) clearInterval(h);
        }, 15.0); }
      }, 2.0);
    }, 4.0);
  });
}, 62.0);
