'use strict';
const fd = require('fs').openSync(__filename, 'r');
const buf = Buffer.alloc(64);
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setTimeout(() => {
  process.nextTick(() => {
    { let c = 0; const h = setInterval(() => {
      require("fs").read(fd, buf, 0, buf.length, 0, () => {
        { let c = 0; const h = setInterval(() => {
          if (++c === 2) clearInterval(h);
        }, 30.0); }
        process.nextTick(() => {
          spin(12.0);
          setTimeout(() => {
            out("L0");
          }, 55.0);
          queueMicrotask(() => {
            spin(2.0);
            setTimeout(() => {
            }, 30.0);
          });
        });
      });
      setImmediate(() => {
        setImmediate(() => {
          setImmediate(() => {
          });
          out("L1");
        });
        setTimeout(() => {
        }, 3.0);
      });
      out("L2");
      if (++c === 1) clearInterval(h);
    }, 20.0); }
  });
}, 50.0);
setTimeout(() => {
  setImmediate(() => {
  });
}, 50.0);
