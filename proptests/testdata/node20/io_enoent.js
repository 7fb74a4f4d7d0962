'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
require('fs').readFile("/tmp/twinloop-io-enoent/missing.txt", 'latin1', (err, data) => {
  if (err) {
    const error = err.code;
    out("readFile " + error);
    require('fs').writeFile("/tmp/twinloop-io-enoent/missing.txt", "x", (err) => {
      if (err) {
        const error = err.code;
        out("writeFile " + error);
        require('fs').unlink("/tmp/twinloop-io-enoent/missing.txt", (err) => {
          if (err) {
            const error = err.code;
            out("unlink " + error);
          } else {
            out("unlinked");
          }
        });
      } else {
        out("written");
      }
    });
  } else {
    out("read " + data);
  }
});
process.nextTick(() => {
  out("tick first");
});
