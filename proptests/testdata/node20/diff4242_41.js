'use strict';
const fd = require('fs').openSync(__filename, 'r');
const buf = Buffer.alloc(64);
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setTimeout(() => {
  setTimeout(() => {
    setImmediate(() => {
      spin(3.0);
    });
  }, 20.0);
  setImmediate(() => {
    setImmediate(() => {
      out("L0");
    });
    setImmediate(() => {
      require("fs").read(fd, buf, 0, buf.length, 0, () => {
        out("L1");
        process.nextTick(() => {
          spin(0.5);
        });
      });
    });
  });
}, 2.0);
