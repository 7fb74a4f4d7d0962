'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
queueMicrotask(() => {
  setTimeout(() => {
    out("L0");
    process.nextTick(() => {
      process.nextTick(() => {
        setTimeout(() => {
        }, 2.0);
        out("L1");
      });
      queueMicrotask(() => {
        out("L2");
      });
      { let c = 0; const h = setInterval(() => {
        queueMicrotask(() => {
          spin(0.5);
        });
        spin(19.0);
        if (++c === 2) clearInterval(h);
      }, 30.0); }
    });
    queueMicrotask(() => {
      queueMicrotask(() => {
        setImmediate(() => {
          out("L3");
          setTimeout(() => {
            process.nextTick(() => {
              out("L4");
              out("L5");
            });
            setImmediate(() => {
            });
          }, 35.0);
        });
        spin(1.0);
      });
    });
  }, 5.0);
});
