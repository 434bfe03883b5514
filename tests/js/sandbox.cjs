'use strict';
// Shared by the Node package's and the edge module's PayPal REST tests (CommonJS, so both can
// load it). The project's gateway emulator (`hostedpay-sandbox`, sandbox/) as a child process, started as
// bindings-python/tests/test_paypal_rest_sandbox.py starts it: `HOSTEDPAY_SANDBOX` (a built
// binary) or `cargo run -p vpos-sandbox`, on a free port, its first line naming the URL. Its
// PayPal REST webhooks go to a receiver in this process whose deliveries wait in a queue until
// the test answers them (a refusal makes the sandbox deliver again, as PayPal does).

const { spawn, spawnSync } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const readline = require('node:readline');

const REPO = path.join(__dirname, '..', '..');
const BINARY = process.env.HOSTEDPAY_SANDBOX;

/** Why the sandbox cannot run here, or `null`. */
function unavailable() {
  if (BINARY) return null;
  return spawnSync('cargo', ['--version']).status === 0 ? null : 'needs cargo (or HOSTEDPAY_SANDBOX) to run hostedpay-sandbox';
}

/** The webhook listener: `take(eventType)` resolves with the next delivery of that type. */
class Receiver {
  constructor() {
    this.waiting = []; // deliveries not taken yet
    this.takers = [];
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const delivery = {
          headers: req.headers,
          body: Buffer.concat(chunks),
          answer: (status) => {
            res.writeHead(status, { 'Content-Length': '0' });
            res.end();
          },
        };
        delivery.type = JSON.parse(delivery.body.toString('utf8')).event_type;
        const taker = this.takers.shift();
        if (taker) taker(delivery);
        else this.waiting.push(delivery);
      });
    });
  }

  async listen() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}/hook`;
  }

  next() {
    const d = this.waiting.shift();
    return d ? Promise.resolve(d) : new Promise((resolve) => this.takers.push(resolve));
  }

  /** The next delivery of `eventType`; the ones before it are answered 200 (not looked at). */
  async take(eventType) {
    for (;;) {
      const d = await this.next();
      if (d.type === eventType) return d;
      d.answer(200);
    }
  }

  /** Answers everything waiting with 503 (the sandbox keeps it for later). */
  drain() {
    for (const d of this.waiting.splice(0)) d.answer(503);
  }

  close() {
    this.drain();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(resolve));
  }
}

/** The sandbox on a free port, 60x faster, its PayPal REST webhooks sent to `webhookUrl`. */
async function startSandbox(webhookUrl) {
  const [cmd, ...pre] = BINARY ? [BINARY] : ['cargo', 'run', '-q', '-p', 'vpos-sandbox', '--'];
  const proc = spawn(cmd, [...pre, '--listen', '127.0.0.1:0', '--time-scale', '60', '--seed', '19',
    '--paypal-webhook-url', webhookUrl], { cwd: REPO, stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = readline.createInterface({ input: proc.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`hostedpay-sandbox exited (${code}) before listening`)));
  });
  const prefix = 'hostedpay-sandbox listening on ';
  if (!first.startsWith(prefix)) {
    proc.kill();
    throw new Error(`hostedpay-sandbox did not start: ${first}`);
  }
  lines.on('line', () => {}); // keep draining its log
  const base = first.slice(prefix.length).trim();
  const request = async (method, p, body, contentType = 'application/json') => {
    const res = await fetch(base + p, { method, body, headers: { 'Content-Type': contentType }, redirect: 'manual' });
    return { status: res.status, headers: res.headers, body: await res.text() };
  };
  return {
    base,
    request,
    async json(p) {
      return JSON.parse((await request('GET', p)).body);
    },
    async faults(counts) {
      const r = await request('POST', '/_sandbox/faults', JSON.stringify(counts));
      if (r.status !== 200) throw new Error(`faults: ${r.status} ${r.body}`);
    },
    /** How many OAuth token requests the sandbox answered. */
    async tokenRequests() {
      const { events } = await this.json('/_sandbox/events');
      return events.filter((e) => e.kind === 'request' && String(e.url ?? '').endsWith('/v1/oauth2/token')).length;
    },
    close() {
      return new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', resolve);
        proc.kill();
      });
    },
  };
}

/** The sandbox's PayPal REST app, as the Node and wasm PayPal REST tests use it. */
const PAYPAL_REST = {
  RETURN_URL: 'http://127.0.0.1:9/shop/return/',
  CANCEL_URL: 'http://127.0.0.1:9/shop/cancel/',
  MERCHANT: 'HOSTEDPAY0001',
  CERT_PATH: '/v1/notifications/certs/CERT-hostedpay-sandbox-test',
  /** The `Config` input of the app on the sandbox at `base`. */
  config: (base) => ({
    gateway: 'paypal_rest', client_id: 'sandbox-paypal-client-id', secret: 'sandbox-paypal-secret',
    api_base: base, webhook_id: 'SANDBOXWEBHOOK0001', merchant: PAYPAL_REST.MERCHANT,
  }),
  /**
   * The shop's stored payment of `value` EUR: a snapshot that `apply` moves by an `applied`
   * outcome only (it returns whether it moved).
   */
  store(orderId, value) {
    const payment = {
      gateway: 'paypal_rest', merchant: PAYPAL_REST.MERCHANT, order_id: orderId, amount: { value, currency: 'EUR' },
      status: 'new', live: false, refunded_minor: 0n, released_minor: 0n, applied_event_keys: [],
    };
    return {
      payment,
      apply(outcome, event) {
        if (outcome.outcome !== 'applied') return false;
        payment.status = outcome.to;
        payment.refunded_minor = outcome.refunded_minor;
        payment.captured_minor = outcome.captured_minor;
        payment.released_minor = outcome.released_minor;
        payment.applied_event_keys.push(event.key);
        return true;
      },
    };
  },
};

module.exports = { unavailable, Receiver, startSandbox, REPO, PAYPAL_REST };
