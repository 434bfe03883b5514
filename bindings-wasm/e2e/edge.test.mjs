// The edge module (`hostedpay-web/edge`) in a real web runtime: headless Chromium loads its ES module
// and .wasm over HTTP, as a Workers-style runtime would, verifies a Redsys sandbox
// notification and signs a Redsys form. Results are judged against the vectors, so this proves
// the edge build runs (3DES, HMAC, XML) outside Node, not merely that it loads; and the JS
// glue (gateway.handleNotification, transition taking the verified handle) runs there too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const pkg = (p) => fileURLToPath(new URL(`../pkg/edge/web/${p}`, import.meta.url));
const vectors = (p) => JSON.parse(readFileSync(new URL(`../../tests/vectors/redsys/${p}`, import.meta.url), 'utf8'));

// A real sandbox notification and a form rebuilt from Redsys's own PHP example.
const notification = vectors('handle.json').cases[0];
const checkout = vectors('checkout.json').cases[0];

let server;
let origin;
let context;
let profile;

before(async () => {
  const files = {
    '/': ['text/html; charset=utf-8', '<!doctype html><title>edge</title>'],
    '/edge/vpos_web_edge.js': ['text/javascript; charset=utf-8', readFileSync(pkg('vpos_web_edge.js'))],
    '/edge/vpos_web_edge_core.js': ['text/javascript; charset=utf-8', readFileSync(pkg('vpos_web_edge_core.js'))],
    '/edge/glue.js': ['text/javascript; charset=utf-8', readFileSync(pkg('glue.js'))],
    '/edge/vpos_web_edge_bg.wasm': ['application/wasm', readFileSync(pkg('vpos_web_edge_bg.wasm'))],
  };
  server = createServer((req, res) => {
    const file = files[new URL(req.url, 'http://x').pathname];
    res.writeHead(file ? 200 : 404, { 'content-type': file ? file[0] : 'text/plain' });
    res.end(file ? file[1] : 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  profile = mkdtempSync(join(tmpdir(), 'hostedpay-web-edge-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: FLAGS,
  });
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the edge ES module verifies a Redsys notification and signs a form in Chromium', async () => {
  const page = await context.newPage();
  const failures = [];
  page.on('pageerror', (e) => failures.push(e));
  await page.goto(`${origin}/`);
  const result = await page.evaluate(async ({ n, c }) => {
    const edge = await import('/edge/vpos_web_edge.js');
    await edge.default(); // fetches vpos_web_edge_bg.wasm beside the module
    // The vector's minor units as BigInt, as a shop stores them (a JS number is refused).
    n.input.payment = { ...n.input.payment, amount: { ...n.input.payment.amount, minor: BigInt(n.input.payment.amount.minor) } };
    const gateway = new edge.redsys.Gateway(n.input.config);
    const unverified = gateway.parseNotification('application/x-www-form-urlencoded', n.input.body);
    const verified = gateway.verify(unverified);
    const outcome = edge.transition(n.input.payment, verified);
    const answer = gateway.acknowledge(verified, outcome);
    let lookAlike;
    try {
      edge.transition(n.input.payment, { ...verified.event });
    } catch (e) {
      lookAlike = { name: e.name, code: e.code, field: e.field };
    }
    // The async verb, with the page's own fetch never called (Redsys proves by signature).
    const handled = await gateway.handleNotification({
      body: new TextEncoder().encode(n.input.body), contentType: 'application/x-www-form-urlencoded',
      payment: n.input.payment, fetch: () => { throw new Error('no post-back for Redsys'); },
    });
    let forged;
    try {
      gateway.verify(gateway.parseNotification('application/x-www-form-urlencoded',
        n.input.body.replace(/Ds_Signature=[^&]+/, 'Ds_Signature=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D')));
    } catch (e) {
      forged = { name: e.name, code: e.code, field: e.field };
    }
    const order = { ...c.input.order, amount: { ...c.input.order.amount, minor: BigInt(c.input.order.amount.minor) } };
    const form = new edge.redsys.Gateway(c.input.config).checkout(order);
    return {
      flavour: edge.flavour(),
      order: verified.notification.order,
      amount: String(verified.notification.amount.minor),
      key: verified.event.key,
      outcome: { outcome: outcome.outcome, from: outcome.from, to: outcome.to },
      refunded: typeof outcome.refunded_minor,
      answer: { status: answer.status, body: answer.body },
      handled: { status: handled.status, body: handled.body, verdict: handled.verdict, key: handled.event.key },
      lookAlike,
      forged,
      form,
    };
  }, { n: notification, c: checkout });
  assert.deepEqual(failures, []);
  assert.equal(result.flavour, 'edge');
  assert.equal(result.order, '0726qI3H7sZx');
  assert.equal(result.amount, '4999');
  assert.match(result.key, /^redsys:/);
  assert.deepEqual(result.outcome, notification.expect.outcome);
  assert.equal(result.refunded, 'bigint');
  assert.deepEqual(result.answer, notification.expect.response);
  assert.deepEqual(result.handled, { ...notification.expect.response, verdict: 'applied', key: result.key });
  assert.deepEqual(result.lookAlike, { name: 'VposError', code: 'field_invalid', field: 'verified' });
  assert.deepEqual(result.forged, { name: 'VposError', code: 'signature_mismatch', field: 'Ds_Signature' });
  assert.deepEqual(result.form, checkout.expect);
});
