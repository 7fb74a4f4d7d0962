'use strict';
const fd = require('fs').openSync(__filename, 'r');
const buf = Buffer.alloc(64);
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
spin(0.5);
require("fs").read(fd, buf, 0, buf.length, 0, () => {
  spin(0.5);
  process.nextTick(() => {
    setTimeout(() => {
      process.nextTick(() => {
        setTimeout(() => {
        }, 50.0);
      });
      queueMicrotask(() => {
        out("L0");
        out("L1");
      });
      setTimeout(() => {
        process.nextTick(() => {
        });
        setTimeout(() => {
          out("L2");
          { let c = 0; const h = setInterval(() => {
            if (++c === 3) clearInterval(h);
          }, 10.0); }
        }, 30.0);
      }, 4.0);
    }, 20.0);
  });
  setImmediate(() => {
    queueMicrotask(() => {
      out("L3");
      setImmediate(() => {
      });
    });
  });
});
