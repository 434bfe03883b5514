// The demo shop in a real headless Chromium (Debian's, driven by playwright-core) against the
// real gateway emulator: demo.py starts vpos-sandbox and the Django shop on free ports of
// 127.0.0.1, exactly as `make demo` does. A customer buys, pays on the sandbox's FloCash page
// and watches the order page reach `paid`; then, with FloCash misbehaving (first delivery
// dropped, first post-back failing, every notification delivered twice), a second purchase
// still moves the payment exactly once.
//
// Needs: `make demo-setup` (the venv with the vpos wheel, the sandbox binary), chromium and
// `npm ci` (tools.sh). DEMO_PYTHON / DEMO_SANDBOX override where they are; SCREENSHOT_DIR
// where the screenshots go (default e2e/screenshots/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOP_DIR = resolve(HERE, '..');
const PYTHON = process.env.DEMO_PYTHON ?? join(SHOP_DIR, '.venv/bin/python');
const SANDBOX = process.env.DEMO_SANDBOX ?? resolve(SHOP_DIR, '../../target/debug/vpos-sandbox');
const SHOTS = resolve(process.env.SCREENSHOT_DIR ?? join(HERE, 'screenshots'));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const WAIT_MS = 30_000; // every wait is bounded; none is a speed requirement

let demo;
let context;
let workdir;

/** Polls `probe` until it returns a truthy value, or fails after `ms` naming `what`. */
async function until(what, probe, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts demo.py; resolves once it printed the shop's, the sandbox's and the admin's lines. */
function startDemo(db) {
  const child = spawn(PYTHON, ['-u', join(SHOP_DIR, 'demo.py'), '--sandbox', SANDBOX, '--db', db,
    '--time-scale', '3600'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  const info = {};
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => log.push(s));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo.py did not start:\n${log.join('')}`)), 120_000);
    child.stdout.on('data', (s) => {
      log.push(s);
      buffer += s;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let m;
        if ((m = /^shop: (\S+?)\/?$/.exec(line))) info.shop = m[1];
        if ((m = /^sandbox: (\S+?)\/?$/.exec(line))) info.sandbox = m[1];
        if ((m = /^admin: \S+ user (\S+) password (\S+)$/.exec(line))) info.admin = { user: m[1], password: m[2] };
        if (info.shop && info.sandbox && info.admin) { clearTimeout(timer); resolveReady(); }
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`demo.py exited (${code ?? signal}):\n${log.join('')}`));
    });
  });
  return {
    info, log, ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timeout = new Promise((r) => setTimeout(() => r(null), 10_000));
      const done = await Promise.race([exited, timeout]);
      if (!done) { child.kill('SIGKILL'); return exited; }
      return done;
    },
  };
}

const getJson = async (url, init) => {
  const r = await fetch(url, init);
  assert.ok(r.ok, `${init?.method ?? 'GET'} ${url}: HTTP ${r.status}`);
  return r.json();
};
const orderState = (page) => getJson(new URL('status.json', page.url()).href);
const deliveries = async (orderId) => (await getJson(`${demo.info.sandbox}/_sandbox/events`)).events
  .filter((e) => e.kind === 'delivery' && e.order === orderId);

before(async () => {
  workdir = mkdtempSync(join(tmpdir(), 'vpos-demo-e2e-'));
  mkdirSync(SHOTS, { recursive: true });
  demo = startDemo(join(workdir, 'shop.sqlite3'));
  await demo.ready;
  // A persistent context is how playwright takes a fresh --user-data-dir of our own.
  context = await chromium.launchPersistentContext(join(workdir, 'profile'), {
    executablePath: '/usr/bin/chromium', headless: true, args: FLAGS, viewport: { width: 900, height: 900 },
  });
  console.log(`screenshots: ${SHOTS}`);
});

after(async () => {
  await context?.close();
  const stopped = await demo?.stop();
  if (workdir) rmSync(workdir, { recursive: true, force: true });
  if (stopped) console.log(`demo.py stopped (${stopped.code ?? stopped.signal})`);
});

/** Product page → Buy → checkout → the sandbox's FloCash page. Returns the order id. */
async function buyAndGoToFloCash(page, shots) {
  await page.goto(`${demo.info.shop}/`);
  assert.match(await page.textContent('#product h2'), /Call Credit/);
  if (shots) await page.screenshot({ path: join(SHOTS, '01-product.png'), fullPage: true });
  await Promise.all([page.waitForURL('**/checkout/'), page.click('#buy')]);
  const orderId = (await page.textContent('#order-id')).trim();
  const form = page.locator('#pay-flocash form.vpos-redirect');
  assert.equal(await form.getAttribute('action'), `${demo.info.sandbox}/ecom/ecommerce.do`);
  assert.equal(await form.locator('input[name=order_id]').getAttribute('value'), orderId);
  assert.equal(await form.locator('input[name=notify_url]').count(), 0,
    'the notification URL (it holds the token) is not in the page');
  if (shots) await page.screenshot({ path: join(SHOTS, '02-checkout.png'), fullPage: true });
  await Promise.all([page.waitForURL(`${demo.info.sandbox}/ecom/pay/**`), form.locator('button[type=submit]').click()]);
  assert.ok(await page.isVisible('#outcome-paid'), 'the sandbox offers "paid"');
  if (shots) await page.screenshot({ path: join(SHOTS, '03-flocash-sandbox.png'), fullPage: true });
  return orderId;
}

async function payAndWaitForPaid(page) {
  await Promise.all([page.waitForURL(`${demo.info.shop}/orders/**`), page.click('#outcome-paid')]);
  await page.waitForSelector('#status[data-status="paid"]', { timeout: WAIT_MS });
}

test('a customer buys, pays on the FloCash page, and the order page reaches paid', async (t) => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const orderId = await buyAndGoToFloCash(page, true);
  await payAndWaitForPaid(page);
  await until('the status change in the table', () => page.locator('#changes tbody tr').count());
  await page.screenshot({ path: join(SHOTS, '04-order-paid.png'), fullPage: true });

  const state = await orderState(page);
  assert.equal(state.order_id, orderId);
  assert.equal(state.status, 'paid');
  assert.deepEqual(state.changes.map((c) => [c.from, c.to]), [['new', 'paid']]);
  assert.deepEqual(state.notifications.map((n) => [n.status_code, n.verdict, n.response_status]),
    [['0000', 'applied', 200]]);

  // The admin, with the password demo.py printed, lists the payment and its notification.
  await page.goto(`${demo.info.shop}/admin/vpos/payment/`);
  await page.fill('#id_username', demo.info.admin.user);
  await page.fill('#id_password', demo.info.admin.password);
  await Promise.all([page.waitForURL('**/admin/vpos/payment/'), page.click('input[type=submit]')]);
  await page.screenshot({ path: join(SHOTS, '05-admin-payments.png'), fullPage: true });
  const listed = await page.locator('#result_list').textContent({ timeout: 5_000 }).catch(() => page.content());
  assert.ok(listed.includes(orderId), `the payment is in the admin: ${listed.slice(0, 2000)}`);
  assert.deepEqual(errors, []);
  await page.close();
  t.diagnostic(`screenshots: ${SHOTS}`);
});

test('dropped first delivery, failed first post-back, every notification twice: paid exactly once', async () => {
  const faults = { drop_first: 1, postback_fail: 1, duplicate: 2 };
  await getJson(`${demo.info.sandbox}/_sandbox/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults),
  });
  try {
    const page = await context.newPage();
    const orderId = await buyAndGoToFloCash(page, false);
    await payAndWaitForPaid(page);

    // Wait until FloCash is done: both copies acknowledged with 00 (retries happen every
    // second at --time-scale 3600).
    const events = await until('both copies delivered', async () => {
      const ev = await deliveries(orderId);
      const delivered = ev.filter((e) => e.outcome === 'delivered');
      return new Set(delivered.map((e) => e.copy)).size === 2 ? ev : null;
    });
    assert.ok(events.some((e) => e.outcome === 'dropped'), 'the sandbox dropped the first delivery');
    assert.ok(events.some((e) => e.outcome === 'failed' && e.status === 503),
      'the shop answered 503 when the post-back failed, so FloCash retried');
    assert.ok(events.some((e) => e.attempt > 1 && e.outcome === 'delivered'), 'a retry delivered it');

    const state = await orderState(page);
    assert.equal(state.status, 'paid');
    assert.deepEqual(state.changes.map((c) => [c.from, c.to]), [['new', 'paid']], 'one status change');
    const verdicts = state.notifications.map((n) => n.verdict);
    assert.equal(verdicts.filter((v) => v === 'applied').length, 1, `applied once: ${verdicts}`);
    assert.ok(verdicts.includes('already_applied'), `the duplicate is already_applied: ${verdicts}`);
    assert.ok(verdicts.includes('postback_failed'), `the failed post-back is stored: ${verdicts}`);
    await until('the page shows every notification',
      async () => (await page.locator('#notifications tbody tr').count()) === state.notifications.length);
    await page.screenshot({ path: join(SHOTS, '06-order-paid-with-faults.png'), fullPage: true });
    await page.close();
  } finally {
    await getJson(`${demo.info.sandbox}/_sandbox/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
  }
});
