'use strict';
const fd = require('fs').openSync(__filename, 'r');
const buf = Buffer.alloc(64);
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setTimeout(() => {
  setTimeout(() => {
    queueMicrotask(() => {
      spin(9.0);
      setTimeout(() => {
        out("L0");
        process.nextTick(() => {
          spin(8.0);
          setTimeout(() => {
            out("L1");
          }, 55.0);
          out("L2");
        });
      }, 50.0);
      { let c = 0; const h = setInterval(() => {
        out("L3");
        setTimeout(() => {
        }, 60.0);
        if (++c === 3) clearInterval(h);
      }, 10.0); }
      setImmediate(() => {
        out("L4");
        setTimeout(() => {
        }, 15.0);
      });
      queueMicrotask(() => {
        setImmediate(() => {
          require("fs").read(fd, buf, 0, buf.length, 0, () => {
            setImmediate(() => {
            });
            process.nextTick(() => {
            });
          });
          queueMicrotask(() => {
          });
        });
        setImmediate(() => {
          setImmediate(() => {
          });
        });
      });
    });
    process.nextTick(() => {
      setImmediate(() => {
        out("L5");
      });
    });
  }, 138.0);
}, 63.0);
queueMicrotask(() => {
  setImmediate(() => {
    out("L6");
    setImmediate(() => {
    });
  });
});
