'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
{ let c = 0; const h = setInterval(() => {
  setTimeout(() => {
    setImmediate(() => {
      queueMicrotask(() => {
        out("L0");
      });
    });
    setImmediate(() => {
      queueMicrotask(() => {
        spin(1.0);
      });
      out("L1");
    });
  }, 40.0);
  spin(24.0);
  spin(40.0);
  if (++c === 1) clearInterval(h);
}, 30.0); }
out("L2");
setImmediate(() => {
  setImmediate(() => {
    out("L3");
    out("L4");
    setImmediate(() => {
      queueMicrotask(() => {
        out("L5");
      });
    });
  });
  setImmediate(() => {
    setImmediate(() => {
      spin(2.0);
      spin(0.5);
      setImmediate(() => {
        out("L6");
        spin(0.5);
      });
    });
  });
  out("L7");
});
