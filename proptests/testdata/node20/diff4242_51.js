'use strict';
const fd = require('fs').openSync(__filename, 'r');
const buf = Buffer.alloc(64);
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setImmediate(() => {
  queueMicrotask(() => {
    spin(2.0);
    setTimeout(() => {
      setTimeout(() => {
        out("L0");
      }, 55.0);
    }, 5.0);
    spin(1.0);
  });
  out("L1");
  setTimeout(() => {
    queueMicrotask(() => {
      out("L2");
      queueMicrotask(() => {
        queueMicrotask(() => {
          spin(2.0);
        });
        require("fs").read(fd, buf, 0, buf.length, 0, () => {
        });
      });
    });
  }, 119.0);
});
