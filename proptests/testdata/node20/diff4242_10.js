'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
out("L0");
setTimeout(() => {
  setImmediate(() => {
    { let c = 0; const h = setInterval(() => {
      setImmediate(() => {
        out("L1");
      });
      out("L2");
      setTimeout(() => {
        out("L3");
        setImmediate(() => {
          process.nextTick(() => {
            out("L4");
            setTimeout(() => {
              out("L5");
            }, 45.0);
          });
          out("L6");
        });
      }, 0.0);
      if (++c === 2) clearInterval(h);
    }, 10.0); }
    setImmediate(() => {
      setImmediate(() => {
      });
    });
  });
}, 3.0);
