'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setTimeout(() => {
  process.nextTick(() => {
    out("L0");
    out("L1");
    out("L2");
  });
  setImmediate(() => {
    process.nextTick(() => {
      spin(9.0);
      setTimeout(() => {
        out("L3");
      }, 20.0);
      spin(1.0);
      { let c = 0; const h = setInterval(() => {
        queueMicrotask(() => {
          spin(10.0);
          setTimeout(() => {
          }, 50.0);
          setTimeout(() => {
            out("L4");
          }, 40.0);
        });
        if (++c === 1) clearInterval(h);
      }, 30.0); }
      { let c = 0; const h = setInterval(() => {
        queueMicrotask(() => {
          spin(3.0);
        });
        if (++c === 3) clearInterval(h);
      }, 5.0); }
    });
  });
}, 30.0);
queueMicrotask(() => {
  spin(10.0);
  setTimeout(() => {
    setTimeout(() => {
      queueMicrotask(() => {
        setTimeout(() => {
          setImmediate(() => {
          });
        }, 50.0);
      });
      out("L5");
      out("L6");
    }, 35.0);
    setImmediate(() => {
      setImmediate(() => {
        out("L7");
      });
    });
  }, 55.0);
  setImmediate(() => {
    spin(0.5);
  });
});
setImmediate(() => {
  out("L8");
});
