'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
spin(3.0);
setTimeout(() => {
  { let c = 0; const h = setInterval(() => {
    spin(18.0);
    if (++c === 2) clearInterval(h);
  }, 35.0); }
}, 50.0);
setImmediate(() => {
  setTimeout(() => {
    setTimeout(() => {
      queueMicrotask(() => {
        spin(12.0);
        setTimeout(() => {
        }, 5.0);
        setImmediate(() => {
          { let c = 0; const h = setInterval(() => {
            setTimeout(() => {
              out("L0");
            }, 5.0);
            if (++c === 1) clearInterval(h);
          }, 35.0); }
        });
      });
    }, 50.0);
  }, 35.0);
});
