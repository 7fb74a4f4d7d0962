// Loopback clients for examples/echo_server, in Node: every byte must come
// back, in order. Usage: node echo_clients.js PORT CLIENTS MAX_BYTES
// Prints "ok N clients, B bytes" or the first mismatch, and exits 0 or 1.
'use strict';
const net = require('net');
const crypto = require('crypto');
const [port, clients, maxBytes] = process.argv.slice(2).map(Number);

function echo(size) {
  return new Promise((resolve, reject) => {
    const payload = crypto.randomBytes(size);
    const chunks = [];
    const s = net.connect(port, '127.0.0.1', () => s.end(payload));
    s.on('data', (d) => chunks.push(d));
    s.on('error', reject);
    s.on('close', () => {
      const back = Buffer.concat(chunks);
      if (!back.equals(payload)) reject(new Error(`sent ${size} bytes, got ${back.length} back (or different bytes)`));
      else resolve(size);
    });
  });
}

// Sends megabytes without reading, then vanishes; the server must neither
// crash nor block the others.
function hog() {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.pause();
      const big = Buffer.alloc(1 << 20, 120);
      for (let i = 0; i < 8; i++) s.write(big);
      setTimeout(() => { s.destroy(); resolve(); }, 300);
    });
    s.on('error', () => resolve());
  });
}

// Resets mid-stream.
function reset() {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(Buffer.alloc(100000, 121));
      setTimeout(() => { s.resetAndDestroy(); resolve(); }, 50);
    });
    s.on('error', () => resolve());
  });
}

(async () => {
  const sizes = Array.from({ length: clients }, () => 1 + Math.floor(Math.random() * maxBytes));
  const results = await Promise.all([hog(), reset(), ...sizes.map(echo)]);
  const bytes = results.slice(2).reduce((a, b) => a + b, 0);
  console.log(`ok ${clients} clients, ${bytes} bytes`);
})().catch((e) => { console.log(`FAIL ${e.message}`); process.exit(1); });
