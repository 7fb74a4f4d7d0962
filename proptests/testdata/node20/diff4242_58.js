'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
spin(2.0);
out("L0");
out("L1");
setTimeout(() => {
  out("L2");
  setImmediate(() => {
    setImmediate(() => {
      out("L3");
      queueMicrotask(() => {
        spin(6.0);
        setTimeout(() => {
        }, 30.0);
        process.nextTick(() => {
          spin(5.0);
          setTimeout(() => {
          }, 40.0);
        });
        setTimeout(() => {
          setImmediate(() => {
            setTimeout(() => {
              out("L4");
              out("L5");
            }, 60.0);
          });
          spin(2.0);
        }, 1.0);
      });
    });
  });
  process.nextTick(() => {
    out("L6");
    out("L7");
    process.nextTick(() => {
      spin(6.0);
      setTimeout(() => {
        out("L8");
        spin(3.0);
      }, 5.0);
      out("L9");
    });
  });
}, 10.0);
out("L10");
