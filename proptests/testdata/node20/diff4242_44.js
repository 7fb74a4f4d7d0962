'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
queueMicrotask(() => {
  spin(7.0);
  setTimeout(() => {
    spin(3.0);
  }, 60.0);
  setTimeout(() => {
    queueMicrotask(() => {
      out("L0");
      out("L1");
    });
    out("L2");
    out("L3");
  }, 50.0);
  out("L4");
  process.nextTick(() => {
    out("L5");
  });
});
{ let c = 0; const h = setInterval(() => {
  spin(12.0);
  queueMicrotask(() => {
    setTimeout(() => {
      spin(25.0);
    }, 15.0);
    out("L6");
    spin(31.0);
  });
  queueMicrotask(() => {
    setTimeout(() => {
      setImmediate(() => {
        out("L7");
        setImmediate(() => {
          out("L8");
        });
      });
    }, 15.0);
  });
  if (++c === 1) clearInterval(h);
}, 25.0); }
setTimeout(() => {
  out("L9");
  queueMicrotask(() => {
  });
}, 45.0);
