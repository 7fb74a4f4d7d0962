'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
process.nextTick(() => {
  { let c = 0; const h = setInterval(() => {
    spin(28.0);
    if (++c === 1) clearInterval(h);
  }, 15.0); }
  out("L0");
  out("L1");
});
setTimeout(() => {
  process.nextTick(() => {
    out("L2");
    spin(2.0);
    out("L3");
  });
  setImmediate(() => {
    setTimeout(() => {
      out("L4");
      setImmediate(() => {
        out("L5");
      });
      { let c = 0; const h = setInterval(() => {
        queueMicrotask(() => {
          spin(11.0);
          setTimeout(() => {
          }, 30.0);
          process.nextTick(() => {
            setImmediate(() => {
              out("L6");
              out("L7");
            });
            out("L8");
          });
          out("L9");
        });
        if (++c === 2) clearInterval(h);
      }, 25.0); }
    }, 133.0);
    out("L10");
  });
  process.nextTick(() => {
    process.nextTick(() => {
      setImmediate(() => {
        setImmediate(() => {
          out("L11");
          setImmediate(() => {
          });
        });
      });
    });
  });
}, 50.0);
