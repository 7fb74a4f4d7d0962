'use strict';
const fd = require('fs').openSync(__filename, 'r');
const buf = Buffer.alloc(64);
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setTimeout(() => {
  setTimeout(() => {
    process.nextTick(() => {
      out("L0");
      queueMicrotask(() => {
        spin(5.0);
        setTimeout(() => {
          spin(19.0);
          process.nextTick(() => {
          });
        }, 25.0);
        setImmediate(() => {
          out("L1");
          queueMicrotask(() => {
            spin(11.0);
            setTimeout(() => {
            }, 25.0);
          });
        });
      });
    });
    queueMicrotask(() => {
      spin(5.0);
      setTimeout(() => {
        setImmediate(() => {
          spin(1.0);
        });
        process.nextTick(() => {
          queueMicrotask(() => {
            queueMicrotask(() => {
              out("L2");
            });
          });
        });
      }, 20.0);
      setImmediate(() => {
        out("L3");
        process.nextTick(() => {
        });
      });
    });
  }, 10.0);
  queueMicrotask(() => {
    require("fs").read(fd, buf, 0, buf.length, 0, () => {
      out("L4");
      process.nextTick(() => {
        setImmediate(() => {
          out("L5");
          out("L6");
        });
      });
    });
  });
}, 5.0);
setImmediate(() => {
  setImmediate(() => {
    queueMicrotask(() => {
      spin(1.0);
    });
  });
});
