'use strict';
const fd = require('fs').openSync(__filename, 'r');
const buf = Buffer.alloc(64);
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
require("fs").read(fd, buf, 0, buf.length, 0, () => {
  queueMicrotask(() => {
    { let c = 0; const h = setInterval(() => {
      queueMicrotask(() => {
        { let c = 0; const h = setInterval(() => {
          out("L0");
          if (++c === 1) clearInterval(h);
        }, 5.0); }
        setImmediate(() => {
        });
      });
      spin(67.0);
      spin(40.0);
      if (++c === 1) clearInterval(h);
    }, 40.0); }
    out("L1");
    setTimeout(() => {
      require("fs").read(fd, buf, 0, buf.length, 0, () => {
        spin(0.5);
        out("L2");
      });
      setTimeout(() => {
        process.nextTick(() => {
          out("L3");
        });
      }, 15.0);
      setTimeout(() => {
        queueMicrotask(() => {
        });
      }, 15.0);
    }, 127.0);
  });
  spin(0.5);
  process.nextTick(() => {
    out("L4");
    queueMicrotask(() => {
      setImmediate(() => {
        setImmediate(() => {
          setImmediate(() => {
          });
        });
        out("L5");
      });
    });
    setImmediate(() => {
      queueMicrotask(() => {
        setImmediate(() => {
          process.nextTick(() => {
            queueMicrotask(() => {
            });
          });
        });
      });
    });
  });
});
