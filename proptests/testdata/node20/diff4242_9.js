'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setImmediate(() => {
  out("L0");
});
setTimeout(() => {
  spin(2.0);
  setTimeout(() => {
    setTimeout(() => {
      setTimeout(() => {
        { let c = 0; const h = setInterval(() => {
          setImmediate(() => {
          });
          if (++c === 3) clearInterval(h);
        }, 25.0); }
      }, 68.0);
    }, 60.0);
    setTimeout(() => {
      setTimeout(() => {
      }, 60.0);
    }, 45.0);
  }, 60.0);
}, 121.0);
