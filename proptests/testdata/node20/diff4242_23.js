'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
queueMicrotask(() => {
  spin(11.0);
  setTimeout(() => {
    { let c = 0; const h = setInterval(() => {
      out("L0");
      if (++c === 3) clearInterval(h);
    }, 40.0); }
  }, 20.0);
  queueMicrotask(() => {
    process.nextTick(() => {
      spin(4.0);
      setTimeout(() => {
        setImmediate(() => {
        });
      }, 55.0);
      process.nextTick(() => {
        out("L1");
      });
    });
    out("L2");
  });
});
out("L3");
{ let c = 0; const h = setInterval(() => {
  queueMicrotask(() => {
    spin(8.0);
    setTimeout(() => {
      out("L4");
    }, 50.0);
    queueMicrotask(() => {
      spin(6.0);
      setTimeout(() => {
        { let c = 0; const h = setInterval(() => {
          if (++c === 3) clearInterval(h);
        }, 30.0); }
        out("L5");
      }, 10.0);
      { let c = 0; const h = setInterval(() => {
        setImmediate(() => {
        });
        if (++c === 2) clearInterval(h);
      }, 15.0); }
    });
  });
  if (++c === 1) clearInterval(h);
}, 30.0); }
