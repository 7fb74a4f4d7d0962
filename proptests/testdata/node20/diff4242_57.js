'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
out("L0");
queueMicrotask(() => {
  spin(1.0);
});
out("L1");
{ let c = 0; const h = setInterval(() => {
  setImmediate(() => {
    queueMicrotask(() => {
      setImmediate(() => {
        setImmediate(() => {
          setImmediate(() => {
            setImmediate(() => {
              out("L2");
              out("L3");
            });
          });
        });
      });
      queueMicrotask(() => {
        spin(5.0);
        setTimeout(() => {
        }, 10.0);
        process.nextTick(() => {
          queueMicrotask(() => {
            queueMicrotask(() => {
              out("L4");
            });
          });
          out("L5");
        });
        setImmediate(() => {
        });
      });
      { let c = 0; const h = setInterval(() => {
        spin(3.0);
        if (++c === 2) clearInterval(h);
      }, 5.0); }
    });
  });
  if (++c === 3) clearInterval(h);
}, 40.0); }
