// The example shop for the browser test, and for trying the example by hand
// (`node e2e/server.mjs`, after scripts/build.sh): serves example/ and the web build of
// hostedpay-web, holds the FloCash configuration (with its token) on the server side, and plays
// FloCash's checkout page by recording what the browser posts to it.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// The shop's server holds the token: the edge module (the page gets the browser module).
const vpos = createRequire(import.meta.url)('../pkg/edge/node/vpos_web_edge.js');
const file = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };
export const TOKEN = 'e2e-secret-notification-token';

/**
 * Starts the shop on 127.0.0.1 and a free port. Returns its origin, every POST that reached
 * the fake FloCash checkout (`received`: [[name, value], …] in the order sent), every body
 * the server sent (`served`), and `close()`.
 */
export async function startShop() {
  const received = [];
  const served = [];
  let gateway;
  const server = createServer(async (req, res) => {
    const send = (status, type, body) => {
      served.push(Buffer.from(body).toString('latin1'));
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    const url = new URL(req.url, 'http://shop.invalid');
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/app.js')) {
        const name = url.pathname === '/' ? 'index.html' : 'app.js';
        return send(200, TYPES[name.slice(name.lastIndexOf('.'))], await readFile(file(`example/${name}`)));
      }
      if (req.method === 'GET' && /^\/hostedpay-web\/vpos_web(_bg\.wasm|\.js)$/.test(url.pathname)) {
        const name = url.pathname.slice('/hostedpay-web/'.length);
        return send(200, TYPES[name.slice(name.lastIndexOf('.'))], await readFile(file(`pkg/web/${name}`)));
      }
      if (req.method === 'GET' && url.pathname === '/api/public-config') {
        return send(200, 'application/json', JSON.stringify(gateway.publicConfig));
      }
      if (req.method === 'POST' && url.pathname === '/api/checkout') {
        try {
          return send(200, 'application/json', JSON.stringify(gateway.checkout(JSON.parse(body))));
        } catch (e) {
          if (typeof e.code !== 'string') throw e;
          return send(422, 'application/json', JSON.stringify({ code: e.code, field: e.field, message: e.message }));
        }
      }
      if (req.method === 'POST' && url.pathname === '/fake-flocash/ecommerce.do') {
        received.push({ contentType: req.headers['content-type'], fields: [...new URLSearchParams(body)] });
        return send(200, 'text/html; charset=utf-8', '<!doctype html><title>FloCash</title><h1 id="paid">Payment page</h1>');
      }
      send(404, 'text/plain', 'not found');
    } catch (e) {
      send(500, 'text/plain', String(e?.stack ?? e));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  gateway = new vpos.flocash.Gateway({
    merchant: 'sales@demoshop.com',
    merchant_name: 'Demo Shop',
    checkout_url: `${origin}/fake-flocash/ecommerce.do`,
    base_url: 'https://fcms.flocash.com',
    notification_token: TOKEN,
    return_url: `${origin}/thanks`,
  });
  gateway.validate();
  return { origin, received, served, close: () => new Promise((r) => server.close(r)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const shop = await startShop();
  console.log(`example shop: ${shop.origin}/  (browser-built form)  ${shop.origin}/?mode=server  (server-built)`);
}
