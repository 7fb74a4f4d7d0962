'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
spin(0.5);
spin(1.0);
setTimeout(() => {
  setTimeout(() => {
    setTimeout(() => {
      { let c = 0; const h = setInterval(() => {
        spin(15.0);
        if (++c === 1) clearInterval(h);
      }, 10.0); }
    }, 5.0);
    { let c = 0; const h = setInterval(() => {
      queueMicrotask(() => {
        queueMicrotask(() => {
        });
        process.nextTick(() => {
          out("L0");
        });
      });
      spin(45.0);
      setTimeout(() => {
        out("L1");
      }, 30.0);
      if (++c === 3) clearInterval(h);
    }, 25.0); }
  }, 25.0);
}, 55.0);
