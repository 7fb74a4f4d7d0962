'use strict';
const fd = require('fs').openSync(__filename, 'r');
const buf = Buffer.alloc(64);
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
process.nextTick(() => {
  spin(12.0);
  setTimeout(() => {
    setImmediate(() => {
      require("fs").read(fd, buf, 0, buf.length, 0, () => {
        out("L0");
      });
      spin(2.0);
      queueMicrotask(() => {
        process.nextTick(() => {
          spin(1.0);
          out("L1");
        });
        queueMicrotask(() => {
          setTimeout(() => {
            setTimeout(() => {
              out("L2");
            }, 20.0);
            setTimeout(() => {
              out("L3");
              out("L4");
            }, 50.0);
          }, 55.0);
          queueMicrotask(() => {
            setImmediate(() => {
              out("L5");
              out("L6");
            });
          });
        });
      });
    });
    setTimeout(() => {
      queueMicrotask(() => {
        setTimeout(() => {
        }, 0.0);
      });
      spin(2.0);
    }, 60.0);
  }, 55.0);
  setTimeout(() => {
    queueMicrotask(() => {
      queueMicrotask(() => {
        setTimeout(() => {
          out("L7");
          setImmediate(() => {
            out("L8");
          });
        }, 20.0);
      });
    });
  }, 20.0);
});
