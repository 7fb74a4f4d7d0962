'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
spin(0.5);
process.nextTick(() => {
  spin(3.0);
  setTimeout(() => {
    queueMicrotask(() => {
      spin(1.0);
      setTimeout(() => {
        spin(2.0);
        queueMicrotask(() => {
        });
      }, 30.0);
      out("L0");
    });
  }, 10.0);
  queueMicrotask(() => {
    spin(5.0);
    setTimeout(() => {
      setTimeout(() => {
        { let c = 0; const h = setInterval(() => {
          if (++c === 2) clearInterval(h);
        }, 25.0); }
        process.nextTick(() => {
          spin(7.0);
          setTimeout(() => {
            { let c = 0; const h = setInterval(() => {
              out("L1");
              out("L2");
              if (++c === 3) clearInterval(h);
            }, 40.0); }
            queueMicrotask(() => {
            });
          }, 10.0);
        });
      }, 20.0);
    }, 10.0);
  });
});
