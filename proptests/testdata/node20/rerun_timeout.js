'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
setTimeout(() => {
  out("A");
  setImmediate(() => {
    out("I");
  });
  process.nextTick(() => {
    spin(10.0);
    setTimeout(() => {
      out("C");
    }, 50.0);
  });
}, 5.0);
setTimeout(() => {
  out("B");
}, 8.0);
