'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setTimeout(() => {
  setTimeout(() => {
    process.nextTick(() => {
      spin(2.0);
      setTimeout(() => {
        setImmediate(() => {
        });
      }, 45.0);
      setImmediate(() => {
        out("L0");
        setImmediate(() => {
          setImmediate(() => {
          });
          setImmediate(() => {
            setImmediate(() => {
              out("L1");
            });
            setImmediate(() => {
              out("L2");
              out("L3");
            });
          });
        });
      });
    });
    setImmediate(() => {
      setImmediate(() => {
        spin(0.5);
        setImmediate(() => {
        });
      });
    });
  }, 4.0);
}, 45.0);
