'use strict';
// A stand-in for FloCash's validateNotify.do: a real HTTP server on 127.0.0.1, port 0, that
// answers post-backs as told and records what it received.

const http = require('node:http');

/**
 * @param {'verified' | 'invalid' | 'error' | 'hang'} [mode]
 */
async function startFlocash(mode = 'verified') {
  const received = [];
  const hanging = new Set();
  const state = { mode };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      switch (state.mode) {
        case 'verified':
          return res.writeHead(200, { 'Content-Type': 'text/plain' }).end('VERIFIED');
        case 'invalid':
          return res.writeHead(200, { 'Content-Type': 'text/plain' }).end('INVALID');
        case 'error':
          return res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal Server Error');
        case 'hang':
          hanging.add(res); // never answered; closed by stop()
          return undefined;
        default:
          throw new Error(`unknown mode ${state.mode}`);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    setMode(m) {
      state.mode = m;
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

module.exports = { startFlocash };
