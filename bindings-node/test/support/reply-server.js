'use strict';
// A real HTTP server on 127.0.0.1, port 0, standing in for a gateway endpoint the host calls
// (Redsys REST, PayPal's IPN post-back, Bitpay's invoice API): it answers with the next
// scripted reply and records what it received. A reply of `'hang'` is never answered (closed
// by stop()).

const http = require('node:http');

async function startReplyServer() {
  const received = [];
  const hanging = new Set();
  let reply = { status: 200, body: '' };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(reply.status, { 'Content-Type': reply.contentType ?? 'application/json' }).end(reply.body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    /** The answer to the next requests: `{ status, body, contentType? }` or `'hang'`. */
    answer(next) {
      reply = next;
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

module.exports = { startReplyServer };
