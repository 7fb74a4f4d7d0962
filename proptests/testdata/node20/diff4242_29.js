'use strict';
const fd = require('fs').openSync(__filename, 'r');
const buf = Buffer.alloc(64);
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
process.nextTick(() => {
  spin(1.0);
  process.nextTick(() => {
    spin(6.0);
    setTimeout(() => {
      require("fs").read(fd, buf, 0, buf.length, 0, () => {
        queueMicrotask(() => {
          out("L0");
        });
      });
    }, 10.0);
    spin(1.0);
    out("L1");
    setImmediate(() => {
      process.nextTick(() => {
        queueMicrotask(() => {
        });
      });
    });
  });
});
