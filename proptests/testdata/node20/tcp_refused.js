'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
{
  let port = 0;
  const server = require('net').createServer((socket) => {
    socket.on('error', (err) => { socket.twinloopError = err.code; });
  });
  server.on('error', (err) => {
    const error = err.code;
  });
  server.listen(0, '127.0.0.1', () => {
    port = server.address().port;
    server.close();
    {
      let connected = false;
      const socket = require('net').connect(port, '127.0.0.1', () => {
        connected = true;
        out("connected?");
      });
      socket.on('error', (err) => {
        socket.twinloopError = err.code;
        if (!connected) {
          const error = err.code;
        out("connect " + error);
        setImmediate(() => {
          out("immediate after the error");
        });
        }
      });
    }
  });
}
