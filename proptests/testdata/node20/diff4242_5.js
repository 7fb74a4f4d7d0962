'use strict';
const fd = require('fs').openSync(__filename, 'r');
const buf = Buffer.alloc(64);
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
out("L0");
setTimeout(() => {
  out("L1");
  setTimeout(() => {
    out("L2");
  }, 115.0);
}, 30.0);
out("L3");
process.nextTick(() => {
  spin(5.0);
  setTimeout(() => {
    setTimeout(() => {
      { let c = 0; const h = setInterval(() => {
        require("fs").read(fd, buf, 0, buf.length, 0, () => {
          setImmediate(() => {
            spin(0.5);
          });
          setTimeout(() => {
          }, 69.0);
        });
        out("L4");
        if (++c === 1) clearInterval(h);
      }, 10.0); }
    }, 45.0);
    setTimeout(() => {
      spin(0.5);
    }, 10.0);
    out("L5");
  }, 60.0);
  setImmediate(() => {
    setImmediate(() => {
      spin(1.0);
      queueMicrotask(() => {
      });
    });
  });
});
