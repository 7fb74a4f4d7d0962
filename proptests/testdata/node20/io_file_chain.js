'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
require('fs').writeFile("/tmp/twinloop-io-file-chain.txt", "abc", (err) => {
  if (err) {
    const error = err.code;
  } else {
    out("written");
    setImmediate(() => {
      out("immediate");
    });
    process.nextTick(() => {
      out("tick");
    });
    queueMicrotask(() => {
      out("microtask");
    });
    require('fs').readFile("/tmp/twinloop-io-file-chain.txt", 'latin1', (err, data) => {
      if (err) {
        const error = err.code;
      } else {
        out("read " + data);
        setImmediate(() => {
          out("immediate after read");
        });
        require('fs').unlink("/tmp/twinloop-io-file-chain.txt", (err) => {
          if (err) {
            const error = err.code;
          } else {
            out("unlinked");
            require('fs').stat("/tmp/twinloop-io-file-chain.txt", (err, st) => {
              if (err) {
                const error = err.code;
                out("stat " + error);
              } else {
                const size = String(st.size);
                out("still there");
              }
            });
          }
        });
      }
    });
  }
});
