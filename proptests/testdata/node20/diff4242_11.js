'use strict';
const fd = require('fs').openSync(__filename, 'r');
const buf = Buffer.alloc(64);
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setImmediate(() => {
  setTimeout(() => {
    spin(35.0);
    process.nextTick(() => {
      spin(3.0);
      setTimeout(() => {
        process.nextTick(() => {
          queueMicrotask(() => {
            setTimeout(() => {
              out("L0");
            }, 138.0);
          });
          setTimeout(() => {
            require("fs").read(fd, buf, 0, buf.length, 0, () => {
              out("L1");
            });
            queueMicrotask(() => {
            });
          }, 15.0);
        });
        setTimeout(() => {
          out("L2");
        }, 60.0);
      }, 25.0);
    });
  }, 15.0);
});
