'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setImmediate(() => {
  out("L0");
  spin(3.0);
  queueMicrotask(() => {
    setTimeout(() => {
      out("L1");
      { let c = 0; const h = setInterval(() => {
        out("L2");
        if (++c === 2) clearInterval(h);
      }, 20.0); }
      setImmediate(() => {
        out("L3");
        setImmediate(() => {
          setImmediate(() => {
            out("L4");
            out("L5");
          });
        });
      });
    }, 45.0);
    process.nextTick(() => {
      setImmediate(() => {
        out("L6");
      });
      out("L7");
    });
  });
});
