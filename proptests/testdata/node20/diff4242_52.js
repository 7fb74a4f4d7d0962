'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setTimeout(() => {
  setTimeout(() => {
    process.nextTick(() => {
      out("L0");
      setTimeout(() => {
        setImmediate(() => {
          setTimeout(() => {
            { let c = 0; const h = setInterval(() => {
              out("L1");
              out("L2");
              if (++c === 3) clearInterval(h);
            }, 15.0); }
            out("L3");
          }, 30.0);
        });
        out("L4");
      }, 5.0);
    });
    out("L5");
  }, 45.0);
  spin(1.0);
}, 45.0);
setTimeout(() => {
  setImmediate(() => {
    queueMicrotask(() => {
    });
  });
}, 55.0);
