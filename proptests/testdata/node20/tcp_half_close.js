'use strict';
const lines = [];
function out(l) { lines.push(l); }
function spin(ms) { const e = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6)); while (process.hrtime.bigint() < e); }
process.on('exit', () => { process.stdout.write(lines.join('\n') + '\n'); });
{
  let port = 0;
  const server = require('net').createServer((socket) => {
    socket.on('error', (err) => { socket.twinloopError = err.code; });
    socket.on('data', (data) => {
      data = data.toString('latin1');
      out("server got " + data);
    });
    socket.on('end', () => {
      out("server saw the end");
      socket.write("too late");
    });
    socket.resume();
    socket.on('close', () => {
      const error = socket.twinloopError || '';
      server.close();
    });
  });
  server.on('error', (err) => {
    const error = err.code;
  });
  server.listen(0, '127.0.0.1', () => {
    port = server.address().port;
    {
      let connected = false;
      const socket = require('net').connect(port, '127.0.0.1', () => {
        connected = true;
        socket.write("question");
        socket.end();
        socket.on('data', (data) => {
          data = data.toString('latin1');
          out("client got " + data);
        });
        socket.on('end', () => {
          out("client saw the end");
        });
        socket.resume();
        socket.on('close', () => {
          const error = socket.twinloopError || '';
          out("client closed " + error);
        });
      });
      socket.on('error', (err) => {
        socket.twinloopError = err.code;
        if (!connected) {
          const error = err.code;
        }
      });
    }
  });
}
