'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
spin(0.5);
setTimeout(() => {
  setTimeout(() => {
    { let c = 0; const h = setInterval(() => {
      out("L0");
      setTimeout(() => {
        spin(0.5);
      }, 10.0);
      if (++c === 1) clearInterval(h);
    }, 40.0); }
    setTimeout(() => {
      spin(3.0);
      setImmediate(() => {
        out("L1");
        process.nextTick(() => {
        });
      });
    }, 117.0);
    setImmediate(() => {
      setImmediate(() => {
        setImmediate(() => {
        });
        setImmediate(() => {
          setImmediate(() => {
            setImmediate(() => {
              out("L2");
              out("L3");
            });
            out("L4");
          });
        });
      });
    });
  }, 35.0);
}, 10.0);
