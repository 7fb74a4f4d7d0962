'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
spin(49.0);
setImmediate(() => {
  process.nextTick(() => {
    spin(7.0);
    setTimeout(() => {
      out("L0");
      setTimeout(() => {
        process.nextTick(() => {
          out("L1");
        });
      }, 0.0);
    }, 55.0);
    out("L2");
  });
  queueMicrotask(() => {
    spin(4.0);
    setTimeout(() => {
      setImmediate(() => {
        { let c = 0; const h = setInterval(() => {
          if (++c === 1) clearInterval(h);
        }, 10.0); }
        setImmediate(() => {
        });
      });
    }, 35.0);
  });
});
