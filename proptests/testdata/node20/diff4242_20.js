'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
process.nextTick(() => {
  spin(4.0);
  setTimeout(() => {
    process.nextTick(() => {
      out("L0");
      out("L1");
      setTimeout(() => {
        process.nextTick(() => {
          queueMicrotask(() => {
            setTimeout(() => {
              out("L2");
              out("L3");
            }, 1.0);
          });
          out("L4");
        });
      }, 20.0);
    });
    out("L5");
  }, 35.0);
  process.nextTick(() => {
    spin(1.0);
  });
  setImmediate(() => {
    out("L6");
    out("L7");
    setImmediate(() => {
      spin(3.0);
    });
  });
});
setImmediate(() => {
  setImmediate(() => {
    setImmediate(() => {
      out("L8");
      setImmediate(() => {
        setImmediate(() => {
        });
      });
    });
  });
});
