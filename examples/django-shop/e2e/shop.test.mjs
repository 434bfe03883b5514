// The demo shop in a real headless Chromium (Debian's, driven by playwright-core) against the
// real gateway emulator: demo.py starts hostedpay-sandbox and the Django shop on free ports of
// 127.0.0.1, exactly as `make demo` does. For every gateway (FloCash, Redsys, CECA, Santander
// Elavon (HPP v2 with SHA-256: the posted form and the sandbox checked), PayPal (classic), Bitpay;
// "PayPal", Orders v2, in a test of its own) a customer buys,
// pays on the sandbox's page and watches the order page reach `paid`; then, with the gateway misbehaving (first delivery dropped, first
// post-back failing, every notification delivered twice, as far as the gateway has each),
// another purchase still moves the payment to `paid` exactly once. Last, nothing stuck: a Redsys
// payment whose notification the sandbox loses stays `new` until `manage.py vpos_reconcile`
// (the command demo.py prints) asks the sandbox, then reads `paid`; a refund whose reply is
// lost stays `pending` until the same command settles it `succeeded`, refunded once.
//
// Needs: `make demo-setup` (the venv with the hostedpay wheel, the sandbox binary), chromium and
// `npm ci` (tools.sh). DEMO_PYTHON / DEMO_SANDBOX override where they are; SCREENSHOT_DIR
// where the screenshots go (default e2e/screenshots/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOP_DIR = resolve(HERE, '..');
const PYTHON = process.env.DEMO_PYTHON ?? join(SHOP_DIR, '.venv/bin/python');
const SANDBOX = process.env.DEMO_SANDBOX ?? resolve(SHOP_DIR, '../../target/debug/hostedpay-sandbox');
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
        if ((m = /^reconcile: (.+)$/.exec(line))) info.reconcile = m[1];
        if (info.shop && info.sandbox && info.admin && info.reconcile) { clearTimeout(timer); resolveReady(); }
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
  if (shots) await page.screenshot({ path: join(SHOTS, '02-checkout.png'), fullPage: true });
  // "Pay with FloCash" keeps the order's payment (FloCash's already) and posts the core's form
  // to the sandbox: the order id in it, the notification URL (it holds the token) not.
  const [posted] = await Promise.all([
    page.waitForRequest((r) => r.url() === `${demo.info.sandbox}/ecom/ecommerce.do` && r.method() === 'POST'),
    page.waitForURL(`${demo.info.sandbox}/ecom/pay/**`),
    page.click('#pay-with-flocash'),
  ]);
  const fields = new URLSearchParams(posted.postData());
  assert.equal(fields.get('order_id'), orderId);
  assert.equal(fields.has('notify_url'), false, 'the notification URL (it holds the token) is not in the page');
  assert.ok(await page.isVisible('#outcome-paid'), 'the sandbox offers "paid"');
  if (shots) await page.screenshot({ path: join(SHOTS, '03-flocash-sandbox.png'), fullPage: true });
  return orderId;
}

async function payAndWaitForPaid(page) {
  await Promise.all([page.waitForURL(`${demo.info.shop}/orders/**`), page.click('#outcome-paid')]);
  await page.waitForSelector('#status[data-status="paid"]', { timeout: WAIT_MS });
}

const sandboxJson = (path, body) => getJson(`${demo.info.sandbox}${path}`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});

/** The sandbox's row of `order` (its order id, PayPal's id or Bitpay's invoice id) at `gateway`. */
const sandboxOrder = async (gateway, order) => (await getJson(`${demo.info.sandbox}/_sandbox/orders`)).orders
  .find((o) => o.gateway === gateway && o.order === order);

/**
 * The other gateways: each is offered on the checkout page as "Pay with …", which switches the
 * order to it and sends the customer to the sandbox's page. `button` is the outcome that pays;
 * `statuses` the status changes the order page must show; `copies` how many notifications the
 * gateway sends per payment (Bitpay: `paid`, then `confirmed`).
 */
const GATEWAYS = [
  { name: 'redsys', page: '/sis/pago/', button: '#outcome-authorised', changes: [['new', 'paid']], notes: 1,
    faults: { duplicate: 2 }, why: 'Redsys makes one attempt: duplicates only' },
  { name: 'ceca', page: '/tpvweb/tpv/pago/', button: '#outcome-paid', changes: [['new', 'paid']], notes: 1,
    faults: { duplicate: 2 }, why: 'CECA makes one attempt: duplicates only' },
  { name: 'elavon', page: '/pay/', button: '#outcome-authorised', changes: [['new', 'paid']], notes: 1,
    form: '/pay', checkForm: checkElavonForm },
  { name: 'paypal', page: '/cgi-bin/webscr/pay/', button: '#outcome-completed', changes: [['new', 'paid']], notes: 1,
    faults: { drop_first: 1, postback_fail: 1, duplicate: 2 }, why: 'PayPal resends until HTTP 200' },
  { name: 'bitpay', page: '/invoice?id=', button: '#outcome-paid', changes: [['new', 'pending'], ['pending', 'paid']], notes: 2,
    faults: { drop_first: 1, duplicate: 2 }, why: 'Bitpay retries until HTTP 200' },
];

/**
 * Santander Elavon, HPP v2 with SHA-256 (docs/3ds.md): the form the browser posted carries
 * SHA256HASH (no SHA1HASH), HPP_VERSION=2 and the demo customer's e-mail; and the sandbox, which
 * verified that SHA-256 hash, recorded the same.
 */
async function checkElavonForm(fields) {
  assert.match(fields.get('SHA256HASH') ?? '', /^[0-9a-f]{64}$/, 'the form is signed with SHA256HASH');
  assert.equal(fields.has('SHA1HASH'), false, 'and not with SHA1HASH');
  assert.equal(fields.get('HPP_VERSION'), '2');
  assert.equal(fields.get('HPP_CUSTOMER_EMAIL'), 'ana@example.com');
  assert.equal(fields.get('HPP_BILLING_COUNTRY'), '724', 'Spain, ISO 3166-1 numeric');
  const { orders } = await getJson(`${demo.info.sandbox}/_sandbox/orders`);
  const seen = orders.find((o) => o.gateway === 'elavon' && o.order === fields.get('ORDER_ID'));
  assert.ok(seen, `the sandbox has order ${fields.get('ORDER_ID')}`);
  assert.deepEqual([seen.hash_field, seen.hpp_version, seen.customer_email],
    ['SHA256HASH', '2', 'ana@example.com']);
}

/** Product page → Buy → checkout → "Pay with <gateway>" → the sandbox's page. Returns the
 * fields the browser posted to the sandbox when `gw.form` names the path it posts to. */
async function buyWith(page, gw) {
  await page.goto(`${demo.info.shop}/`);
  await Promise.all([page.waitForURL('**/checkout/'), page.click('#buy')]);
  const [posted] = await Promise.all([
    gw.form ? page.waitForRequest((r) => r.url() === `${demo.info.sandbox}${gw.form}` && r.method() === 'POST')
      : null,
    page.waitForURL(`${demo.info.sandbox}${gw.page}**`),
    page.click(`#pay-with-${gw.name}`),
  ]);
  assert.ok(await page.isVisible(gw.button), `the ${gw.name} page offers ${gw.button}`);
  return posted ? new URLSearchParams(posted.postData()) : null;
}

/** Pays on the sandbox page; resolves on the order page once it shows `paid`. */
async function payOnSandbox(page, gw) {
  await Promise.all([page.waitForURL(`${demo.info.shop}/orders/**`), page.click(gw.button)]);
  await page.waitForSelector('#status[data-status="paid"]', { timeout: WAIT_MS });
  assert.equal(await page.getAttribute('#gateway', 'data-gateway'), gw.name);
}

for (const gw of GATEWAYS) {
  test(`${gw.name}: a customer pays on the sandbox page and the order page reaches paid`, async () => {
    await sandboxJson('/_sandbox/reset', {});
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    const fields = await buyWith(page, gw);
    if (gw.checkForm) await gw.checkForm(fields);
    await page.screenshot({ path: join(SHOTS, `${gw.name}-1-sandbox-page.png`), fullPage: true });
    await payOnSandbox(page, gw);
    await until('every status change in the table',
      async () => (await page.locator('#changes tbody tr').count()) === gw.changes.length);
    await page.screenshot({ path: join(SHOTS, `${gw.name}-2-order-paid.png`), fullPage: true });
    const state = await orderState(page);
    assert.equal(state.gateway, gw.name);
    assert.equal(state.status, 'paid');
    assert.deepEqual(state.changes.map((c) => [c.from, c.to]), gw.changes);
    const verdicts = state.notifications.map((n) => n.verdict);
    assert.deepEqual(verdicts, Array(gw.notes).fill('applied'), `${verdicts}`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  if (gw.faults) {
    test(`${gw.name} with ${JSON.stringify(gw.faults)}: paid exactly once (${gw.why})`, async () => {
      await sandboxJson('/_sandbox/reset', {});
      await sandboxJson('/_sandbox/faults', gw.faults);
      try {
        const page = await context.newPage();
        await buyWith(page, gw);
        await payOnSandbox(page, gw);
        // Wait until the gateway is done: every copy of every notification acknowledged.
        const copies = gw.faults.duplicate ?? 1;
        const events = await until('every copy delivered', async () => {
          const ev = (await getJson(`${demo.info.sandbox}/_sandbox/events`)).events
            .filter((e) => e.kind === 'delivery' && e.gateway === gw.name);
          return ev.filter((e) => e.outcome === 'delivered').length === copies * gw.notes ? ev : null;
        });
        if (gw.faults.drop_first) {
          assert.ok(events.some((e) => e.outcome === 'dropped'), 'the sandbox dropped the first delivery');
          assert.ok(events.some((e) => e.attempt > 1 && e.outcome === 'delivered'), 'a retry delivered it');
        }
        const state = await orderState(page);
        assert.equal(state.status, 'paid');
        assert.deepEqual(state.changes.map((c) => [c.from, c.to]), gw.changes, 'each status change once');
        assert.equal(state.changes.filter((c) => c.to === 'paid').length, 1, 'paid exactly once');
        const verdicts = state.notifications.map((n) => n.verdict);
        assert.equal(verdicts.filter((v) => v === 'applied').length, gw.notes, `applied once each: ${verdicts}`);
        assert.ok(verdicts.includes('already_applied'), `the duplicate is already_applied: ${verdicts}`);
        if (gw.faults.postback_fail) {
          assert.ok(verdicts.includes('postback_failed'), `the failed post-back is stored: ${verdicts}`);
        }
        await until('the page shows every notification',
          async () => (await page.locator('#notifications tbody tr').count()) === state.notifications.length);
        await page.screenshot({ path: join(SHOTS, `${gw.name}-3-order-paid-with-faults.png`), fullPage: true });
        await page.close();
      } finally {
        await sandboxJson('/_sandbox/faults', {});
      }
    });
  }
}

test('elavon: the same signed response posted twice (a reload): paid exactly once', async () => {
  // Elavon's response travels through the browser, so the delivery faults do not apply; what
  // does happen is the customer re-posting it. Replay it as a reloading browser would.
  await sandboxJson('/_sandbox/reset', {});
  const gw = GATEWAYS.find((g) => g.name === 'elavon');
  const page = await context.newPage();
  await page.goto(`${demo.info.shop}/`);
  await Promise.all([page.waitForURL('**/checkout/'), page.click('#buy')]);
  const statusUrl = new URL('../status.json', page.url()).href;
  await Promise.all([page.waitForURL(`${demo.info.sandbox}${gw.page}**`), page.click(`#pay-with-${gw.name}`)]);
  const orderId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  const paid = await sandboxJson('/_sandbox/pay', { gateway: 'elavon', order: orderId, outcome: 'authorised' });
  assert.equal(paid.result, '00');
  const body = new URLSearchParams(paid.response).toString();
  for (const expected of [200, 200]) {
    const r = await fetch(paid.response_url, {
      method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(r.status, expected);
  }
  const state = await getJson(statusUrl);
  assert.equal(state.status, 'paid');
  assert.deepEqual(state.changes.map((c) => [c.from, c.to]), [['new', 'paid']]);
  assert.deepEqual(state.notifications.map((n) => n.verdict), ['applied', 'already_applied']);
  await page.close();
});

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

  // A merchant account added in the admin: its secret is encrypted with cryptography (from the
  // wheel's [django] extra) and the demo's key; a missing package was a bare 500 here.
  const name = `brand-${Date.now()}`;
  await page.goto(`${demo.info.shop}/admin/vpos/merchantaccount/add/`);
  await page.selectOption('#id_gateway', 'redsys');
  // Only Redsys's secret field shows, and the configuration box holds the keys Redsys needs.
  assert.ok(await page.isVisible('#id_redsys_secret_key'), "Redsys's secret field shows");
  assert.ok(!(await page.isVisible('#id_ceca_key')), "CECA's secret field is hidden");
  assert.deepEqual(JSON.parse(await page.inputValue('#id_configuration')), { merchant_code: '', terminal: '' });
  await page.fill('#id_name', name);
  // First with a merchant code Redsys cannot have: the core's error lands on the form.
  await page.fill('#id_configuration', JSON.stringify({ merchant_code: 'x', terminal: '2' }));
  await page.fill('#id_redsys_secret_key', 'sq7HjrUOBfKmC576ILgskD5srU870gJ7');
  await Promise.all([page.waitForNavigation(), page.click('input[name=_save]')]);
  assert.match(await page.locator('.errorlist').first().textContent(), /merchant_code/);
  await page.fill('#id_configuration', JSON.stringify({ merchant_code: '999008881', terminal: '2' }));
  await page.fill('#id_redsys_secret_key', 'sq7HjrUOBfKmC576ILgskD5srU870gJ7');
  const [saved] = await Promise.all([page.waitForNavigation(), page.click('input[name=_save]')]);
  await page.screenshot({ path: join(SHOTS, '06-admin-merchant-account.png'), fullPage: true });
  assert.equal(saved.status(), 200, `the admin answered ${saved.status()}: ${(await page.content()).slice(0, 2000)}`);
  assert.match(page.url(), /\/admin\/vpos\/merchantaccount\/$/, `no error on the form: ${await page.locator('.errornote, .errorlist').allTextContents()}`);
  const row = page.locator('#result_list tbody tr', { hasText: name });
  assert.equal((await row.locator('td.field-environment_seen').textContent()).trim(), 'testing',
    "the account's environment, read from its URLs (Redsys's test platform)");
  // The demo's settings accounts point at the sandbox: the list says so, whatever `live` says.
  const settingsRow = page.locator('#vpos-settings-accounts tr', { hasText: 'redsys' });
  assert.match(await settingsRow.locator('td.environment').textContent(), /^sandbox \(127\.0\.0\.1:\d+\)/);
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


/** Runs the `reconcile:` command demo.py printed (what cron would run); its stdout and stderr. */
async function reconcile() {
  const { stdout, stderr } = await promisify(execFile)('sh', ['-c', demo.info.reconcile], { timeout: 120_000 });
  return { out: stdout.trim(), err: stderr };
}

/** The admin's payment list, logged in with the password demo.py printed. */
async function adminPayments(page) {
  await page.goto(`${demo.info.shop}/admin/vpos/payment/`);
  if (await page.isVisible('#id_username')) {
    await page.fill('#id_username', demo.info.admin.user);
    await page.fill('#id_password', demo.info.admin.password);
    await Promise.all([page.waitForURL('**/admin/vpos/payment/'), page.click('input[type=submit]')]);
  }
}

test('nothing stuck: a lost notification and a lost refund reply, each settled once by vpos_reconcile', async () => {
  await sandboxJson('/_sandbox/reset', {});
  await sandboxJson('/_sandbox/faults', { lose_notifications: 1 });
  const gw = GATEWAYS.find((g) => g.name === 'redsys');
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  try {
    await buyWith(page, gw);
    const orderId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    await Promise.all([page.waitForURL(`${demo.info.shop}/orders/**`), page.click(gw.button)]);
    const orderUrl = page.url();

    // The sandbox lost the notification (never sent, never retried): the order waits.
    await until('the lost delivery in the sandbox log',
      async () => (await deliveries(orderId)).some((e) => e.outcome === 'lost'));
    let state = await orderState(page);
    assert.equal(state.order_id, orderId);
    assert.equal(state.status, 'new');
    assert.deepEqual(state.notifications, []);
    assert.equal(await page.getAttribute('#status', 'data-status'), 'new');
    await page.screenshot({ path: join(SHOTS, 'reconcile-1-notification-lost.png'), fullPage: true });

    // vpos_reconcile asks Redsys (the sandbox's consultaOperaciones): paid, once.
    let run = await reconcile();
    assert.match(run.out, /^checked \d+, changed 1, unchanged \d+, (skipped \d+, )?failed 0$/m, run.out + run.err);
    await page.waitForSelector('#status[data-status="paid"]', { timeout: WAIT_MS });
    state = await orderState(page);
    assert.deepEqual(state.changes.map((c) => [c.from, c.to]), [['new', 'paid']]);
    assert.deepEqual(state.notifications.map((n) => n.verdict), ['applied']);
    await until('the page shows the change', async () => (await page.locator('#changes tbody tr').count()) === 1);
    await page.screenshot({ path: join(SHOTS, 'reconcile-2-paid-after-reconcile.png'), fullPage: true });
    run = await reconcile();
    assert.match(run.out, /^checked \d+, changed 0, unchanged \d+, (skipped \d+, )?failed 0$/m, 'a second run changes nothing');
    assert.equal((await orderState(page)).changes.length, 1);

    // A refund whose reply is lost: the sandbox refunds, the shop hears nothing.
    await sandboxJson('/_sandbox/faults', { lose_replies: 1 });
    await adminPayments(page);
    await page.locator('#result_list tbody tr', { hasText: orderId }).locator('input[name=_selected_action]').check();
    await page.selectOption('select[name=action]', 'refund_remaining');
    await Promise.all([page.waitForNavigation(), page.click('button[name=index]')]);
    const message = await page.locator('ul.messagelist').textContent();
    assert.ok(message.includes(`${orderId}: refund pending (gateway_unavailable)`), message);
    await page.screenshot({ path: join(SHOTS, 'reconcile-3-refund-reply-lost.png'), fullPage: true });
    await page.goto(orderUrl);
    state = await orderState(page);
    assert.equal(state.status, 'paid');
    assert.deepEqual(state.refunds.map((r) => [r.status, r.error_code]), [['pending', 'gateway_unavailable']]);
    const atSandbox = () => sandboxOrder('redsys', orderId);
    const amountMinor = Math.round(Number(state.amount) * 100);
    assert.equal((await atSandbox()).refunded_minor, amountMinor, 'the sandbox did refund');

    // vpos_reconcile again: the refund succeeded, the order is refunded, once; never re-sent.
    run = await reconcile();
    assert.match(run.out, /^checked \d+, changed 1, unchanged \d+, (skipped \d+, )?failed 0$/m, run.out + run.err);
    await page.waitForSelector('#status[data-status="refunded"]', { timeout: WAIT_MS });
    state = await orderState(page);
    assert.deepEqual(state.refunds.map((r) => [r.status, r.error_code]), [['succeeded', '']]);
    assert.equal(state.refunded, state.amount);
    assert.deepEqual(state.changes.map((c) => [c.from, c.to]), [['new', 'paid'], ['paid', 'refunded']]);
    assert.deepEqual(state.notifications.map((n) => n.verdict), ['applied', 'already_applied', 'applied']);
    const refundCalls = (await getJson(`${demo.info.sandbox}/_sandbox/events`)).events
      .filter((e) => e.kind === 'request' && (e.url ?? '').startsWith('/sis/rest/trataPeticionREST'));
    assert.equal(refundCalls.length, 1, 'one refund request reached the sandbox');
    assert.equal((await atSandbox()).refunded_minor, amountMinor, 'refunded once');
    await until('the page shows the refund succeeded',
      async () => (await page.locator('#refunds tbody tr').textContent()).includes('succeeded'));
    await page.screenshot({ path: join(SHOTS, 'reconcile-4-refund-succeeded.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await sandboxJson('/_sandbox/faults', {});
    await page.close();
  }
});

/** Opens the admin page of the payment of `orderId` from the payment list. */
async function adminPaymentPage(page, orderId) {
  await adminPayments(page);
  await Promise.all([page.waitForNavigation(),
    page.locator('#result_list tbody tr', { hasText: orderId }).locator('th a').click()]);
}

/**
 * A refund of `amount` (major units) from the admin page of the payment of `orderId`, through
 * its operation form; `shots.form` / `shots.done` name screenshots of the filled form and of the
 * page that says "refund succeeded". The page stays on the admin; the message is returned.
 */
async function adminRefund(page, orderId, amount, shots = {}) {
  await adminPaymentPage(page, orderId);
  await page.selectOption('#id_vpos-kind', 'refund');
  await page.fill('#id_vpos-amount', amount);
  if (shots.form) await page.screenshot({ path: join(SHOTS, shots.form), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('#vpos-operate')]);
  const message = await page.locator('ul.messagelist').textContent();
  assert.ok(message.includes(`${orderId}: refund succeeded`), message);
  if (shots.done) await page.screenshot({ path: join(SHOTS, shots.done), fullPage: true });
  return message;
}

/** The customer's order page at `orderUrl` once it reads `status`: its status.json. */
async function orderPageAt(page, orderUrl, status) {
  await page.goto(orderUrl);
  await page.waitForSelector(`#status[data-status="${status}"]`, { timeout: WAIT_MS });
  return orderState(page);
}

// After the FloCash test, which logs in to the admin on its own page (the context keeps the session).
test('paypal (Orders v2): approved, captured on return, webhooks verified (a duplicated and a tampered one), a partial refund from the admin', async () => {
  await sandboxJson('/_sandbox/reset', {});
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  try {
    await page.goto(`${demo.info.shop}/`);
    await Promise.all([page.waitForURL('**/checkout/'), page.click('#buy')]);
    // "PayPal" is Orders v2; Website Payments Standard stays, as "PayPal (classic)".
    assert.match(await page.textContent('#pay-with-paypal_rest'), /Pay with PayPal$/);
    assert.match(await page.textContent('#pay-with-paypal'), /PayPal \(classic\)/);
    await Promise.all([page.waitForURL((u) => u.href.startsWith(`${demo.info.sandbox}/checkoutnow?token=`)),
      page.click('#pay-with-paypal_rest')]);
    const paypalId = new URL(page.url()).searchParams.get('token');
    assert.match(paypalId, /^[A-Z0-9]{17}$/);
    await page.screenshot({ path: join(SHOTS, 'paypal_rest-1-approve-page.png'), fullPage: true });
    // Every webhook twice, and the first attempt tampered with after signing.
    await sandboxJson('/_sandbox/faults', { duplicate: 2, tamper: 1 });
    await Promise.all([page.waitForURL(`${demo.info.shop}/orders/**`), page.click('#outcome-approve')]);
    await page.waitForSelector('#status[data-status="paid"]', { timeout: WAIT_MS });
    assert.equal(await page.getAttribute('#gateway', 'data-gateway'), 'paypal_rest');
    // The return captured once; a reload of the return page captures nothing more.
    const orderUrl = page.url();
    await page.goto(`${orderUrl}paypal/return/?token=${paypalId}&PayerID=RELOADED00001`);
    await page.waitForSelector('#status[data-status="paid"]', { timeout: WAIT_MS });
    // Wait until the sandbox is done: the tampered attempt refused, every copy of both webhooks
    // (the approval, the capture) acknowledged.
    const events = await until('every webhook delivered', async () => {
      const ev = (await getJson(`${demo.info.sandbox}/_sandbox/events`)).events
        .filter((e) => e.kind === 'delivery' && e.gateway === 'paypal_rest');
      return ev.filter((e) => e.outcome === 'delivered').length >= 4 ? ev : null;
    });
    const tampered = events.filter((e) => (e.message ?? '').includes('tampered'));
    assert.equal(tampered.length, 1, 'one attempt was tampered with');
    assert.ok(tampered[0].status >= 400, `the shop refused the tampered body (${tampered[0].status})`);
    const state = await orderState(page);
    assert.equal(state.status, 'paid');
    assert.deepEqual(state.changes.map((c) => [c.from, c.to]), [['new', 'paid']], 'paid exactly once');
    const verdicts = state.notifications.map((n) => n.verdict);
    assert.equal(verdicts.filter((v) => v === 'applied').length, 1, `applied once: ${verdicts}`);
    assert.ok(verdicts.includes('already_applied'), `the capture's webhooks are already_applied: ${verdicts}`);
    assert.ok(verdicts.includes('unverified'), `the tampered webhook is refused: ${verdicts}`);
    assert.deepEqual(state.refunds.map((r) => [r.kind, r.status]), [['charge', 'succeeded']], 'one capture');
    await page.screenshot({ path: join(SHOTS, 'paypal_rest-2-order-paid.png'), fullPage: true });
    await sandboxJson('/_sandbox/faults', {});

    // A partial refund from the admin's payment page, through the one operation path.
    await adminRefund(page, state.order_id, '1.00', { done: 'paypal_rest-3-partially-refunded.png' });
    const order = await sandboxOrder('paypal_rest', paypalId);
    assert.equal(order.captured_minor, 250);
    assert.equal(order.refunded_minor, 100);
    await orderPageAt(page, orderUrl, 'partially_refunded');
    assert.deepEqual(errors, []);
  } finally {
    await sandboxJson('/_sandbox/faults', {});
    await page.close();
  }
});

test('admin: a partial refund from the payment page, with the refundable balance shown', async () => {
  await sandboxJson('/_sandbox/reset', {});
  const gw = GATEWAYS.find((g) => g.name === 'redsys');
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  try {
    await buyWith(page, gw);
    await payOnSandbox(page, gw);
    const orderUrl = page.url();
    const paid = await orderState(page);
    assert.equal(paid.amount, '2.50');
    await adminPaymentPage(page, paid.order_id);
    // Amounts in major units with the currency; the money is the gateway's fact now: read-only.
    assert.equal((await page.textContent('#vpos-refundable')).trim(), '2.50 USD');
    assert.equal(await page.locator('input[name=amount]').count(), 0, 'the amount is read-only once applied');
    assert.match(await page.locator('.field-amount_text').textContent(), /2\.50 USD/);
    const message = await adminRefund(page, paid.order_id, '1.00', { form: 'admin-1-refund-form.png' });
    assert.ok(message.includes(`${paid.order_id}: refund succeeded — Refund of 1.00 USD: Succeeded`), message);
    assert.equal((await page.textContent('#vpos-refundable')).trim(), '1.50 USD');
    await page.screenshot({ path: join(SHOTS, 'admin-2-partially-refunded.png'), fullPage: true });
    // The sandbox refunded 1.00 once; the order reads partially refunded.
    const order = await sandboxOrder('redsys', paid.order_id);
    assert.equal(order.refunded_minor, 100);
    const state = await orderPageAt(page, orderUrl, 'partially_refunded');
    assert.equal(state.refunded, '1.00');
    assert.deepEqual(state.refunds.map((r) => [r.kind, r.amount, r.status]), [['refund', '1.00', 'succeeded']]);
    // Asking more than is left is refused before the gateway is asked, saying how much is left.
    await adminPaymentPage(page, paid.order_id);
    await page.fill('#id_vpos-amount', '2.00');
    await Promise.all([page.waitForNavigation(), page.click('#vpos-operate')]);
    const refused = await page.locator('ul.messagelist').textContent();
    assert.ok(refused.includes('At most 1.50 USD can still be refunded'), refused);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('ceca: a payment with 3-D Secure data, then a partial refund from the admin', async () => {
  await sandboxJson('/_sandbox/reset', {});
  const gw = GATEWAYS.find((g) => g.name === 'ceca');
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  try {
    await buyWith(page, gw);
    const orderId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    // The sandbox checked firma_acs_20 and shows the cardholder data the shop sent.
    const sandboxPage = await page.content();
    assert.ok(sandboxPage.includes('datos_acs_20') && sandboxPage.includes('ana@example.com')
      && sandboxPage.includes('BILL_ADDRESS'), sandboxPage.slice(0, 3000));
    await page.screenshot({ path: join(SHOTS, 'ceca-3ds-1-sandbox-page.png'), fullPage: true });
    await payOnSandbox(page, gw);
    const orderUrl = page.url();
    let state = await orderState(page);
    assert.equal(state.order_id, orderId);

    // The admin: the payment page's operation form, a partial refund (anularOperacionExt).
    await adminRefund(page, orderId, '1.00', { form: 'ceca-3ds-2-admin-refund.png' });
    state = await orderPageAt(page, orderUrl, 'partially_refunded');
    assert.deepEqual(state.refunds.map((r) => [r.kind, r.amount, r.status]), [['refund', '1.00', 'succeeded']]);
    assert.equal(state.refunded, '1.00');
    assert.deepEqual(state.changes.map((c) => [c.from, c.to]), [['new', 'paid'], ['paid', 'partially_refunded']]);
    const atSandbox = await sandboxOrder('ceca', orderId);
    assert.equal(atSandbox.refunded_minor, 100, 'the sandbox refunded 1.00');
    assert.match(atSandbox.datos_acs_20, /"EMAIL":"ana@example.com"/);
    await page.screenshot({ path: join(SHOTS, 'ceca-3ds-3-partially-refunded.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('sandbox dashboard: a fault switched on by its button, then off', async () => {
  await sandboxJson('/_sandbox/reset', {});
  await sandboxJson('/_sandbox/faults', {});
  const gw = GATEWAYS.find((g) => g.name === 'redsys');
  const page = await context.newPage();
  const now = (name) => page.locator(`tr:has(th:text-is("${name}")) td.fault-now`);
  try {
    await page.goto(`${demo.info.sandbox}/_sandbox/`);
    assert.equal((await now('duplicate').textContent()).trim(), 'off');
    await page.fill('input[aria-label="duplicate"]', '2');
    await Promise.all([page.waitForNavigation(), page.click('#fault-duplicate')]);
    assert.equal((await now('duplicate').textContent()).trim(), '2');
    await page.screenshot({ path: join(SHOTS, 'sandbox-1-fault-on.png'), fullPage: true });
    // A purchase under it: Redsys's notification arrives twice, applied once.
    await buyWith(page, gw);
    await payOnSandbox(page, gw);
    const state = await until('both copies applied or already applied', async () => {
      const s = await orderState(page);
      return s.notifications.length === 2 ? s : null;
    });
    assert.deepEqual(state.notifications.map((n) => n.verdict).sort(), ['already_applied', 'applied']);
    assert.deepEqual(state.changes.map((c) => [c.from, c.to]), [['new', 'paid']]);
    // Off again by the dashboard's button.
    await page.goto(`${demo.info.sandbox}/_sandbox/`);
    await Promise.all([page.waitForNavigation(), page.click('#faults-off')]);
    assert.equal((await now('duplicate').textContent()).trim(), 'off');
    await page.screenshot({ path: join(SHOTS, 'sandbox-2-faults-off.png'), fullPage: true });
  } finally {
    await sandboxJson('/_sandbox/faults', {});
    await page.close();
  }
});

test('the admin in Spanish (the browser asks for es)', async () => {
  const page = await context.newPage();
  await page.setExtraHTTPHeaders({ 'Accept-Language': 'es-ES,es;q=0.9' });
  try {
    await adminPayments(page);
    const listing = await page.content();
    assert.ok(listing.includes('Reembolsar lo que queda de los pagos seleccionados'), 'the action, in Spanish');
    const orderId = (await page.locator('#result_list tbody tr th a').first().textContent()).trim();
    await adminPaymentPage(page, orderId);
    const html = await page.content();
    for (const text of ['Reembolsar, capturar o liberar', 'Reembolsable:', 'Pasarela:', 'Número de pedido:', 'Guardar']) {
      assert.ok(html.includes(text), text);
    }
    await page.screenshot({ path: join(SHOTS, 'admin-3-spanish-payment.png'), fullPage: true });
    await page.goto(`${demo.info.shop}/admin/`);
    const index = await page.textContent('#content-main');
    assert.match(index, /Pagos \(vpos\)/);
    assert.match(index, /Cuentas de comercio/);
    await page.screenshot({ path: join(SHOTS, 'admin-4-spanish-index.png'), fullPage: true });
  } finally {
    await page.close();
  }
});

test("a declined payment: the order page says why, from the core's table, in the customer's language", async () => {
  await sandboxJson('/_sandbox/reset', {});
  const gw = GATEWAYS.find((g) => g.name === 'redsys');
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  try {
    await buyWith(page, gw);
    assert.ok(await page.isVisible('#outcome-denied'), 'the Redsys page offers a denial');
    await Promise.all([page.waitForURL(`${demo.info.shop}/orders/**`), page.click('#outcome-denied')]);
    await page.waitForSelector('#status[data-status="failed"]', { timeout: WAIT_MS });
    const reason = async () => (await page.textContent('#customer-status')).replace(/\s+/g, ' ');
    await until('the reason on the page', async () => (await reason()).includes('0180'));
    const text = await reason();
    assert.match(text, /Payment declined/);
    assert.match(text, /This card cannot be used for this payment\./);
    assert.match(text, /Redsys code 0180: Tarjeta ajena al servicio\./, 'the code, with Redsys\'s own words');
    assert.equal((await page.textContent('#gateway-line')).trim(), 'Gateway:', 'no "Paid with" on an unpaid order');
    await page.screenshot({ path: join(SHOTS, 'customer-1-declined.png'), fullPage: true });
    // The customer picks Spanish on the page.
    await Promise.all([page.waitForNavigation(), page.selectOption('#language-select', 'es')]);
    await until('the reason in Spanish', async () => (await reason()).includes('Esta tarjeta'));
    const spanish = await reason();
    assert.match(spanish, /Pago denegado/);
    assert.match(spanish, /Esta tarjeta no se puede usar para este pago\./);
    assert.match(spanish, /código 0180 de Redsys: Tarjeta ajena al servicio\./);
    assert.equal((await page.textContent('#gateway-line')).trim(), 'Pasarela:');
    await page.screenshot({ path: join(SHOTS, 'customer-2-declined-spanish.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    // The language is a cookie of this browser profile: back to English.
    if (await page.isVisible('#language-select')) {
      await Promise.all([page.waitForNavigation(), page.selectOption('#language-select', 'en')]);
    }
    await page.close();
  }
});

// Bitpay on its current API (issue #20): the demo's account holds the POS token and the
// merchant facade (the sandbox's published test key and its paired token); the sandbox checks
// X-Accept-Version, the token and every signature. Self-contained: logs in to the admin itself.
test('bitpay (current API): paid to confirmed through signed invoice fetches, then a partial refund from the admin', async () => {
  await sandboxJson('/_sandbox/reset', {});
  const gw = GATEWAYS.find((g) => g.name === 'bitpay');
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  try {
    await buyWith(page, gw);
    const invoiceId = new URL(page.url()).searchParams.get('id');
    assert.match(invoiceId, /^[A-Za-z0-9]{22}$/);
    await page.screenshot({ path: join(SHOTS, 'bitpay-v2-1-invoice-page.png'), fullPage: true });
    await payOnSandbox(page, gw);
    const orderUrl = page.url();
    let state = await orderState(page);
    assert.equal(state.status, 'paid');
    assert.deepEqual(state.changes.map((c) => [c.from, c.to]), [['new', 'pending'], ['pending', 'paid']]);
    // Every call the shop made was accepted: no refused token, version or signature.
    const refused = (await getJson(`${demo.info.sandbox}/_sandbox/events`)).events
      .filter((e) => e.gateway === 'bitpay' && /refused/.test(e.message ?? ''));
    assert.deepEqual(refused, []);
    await page.screenshot({ path: join(SHOTS, 'bitpay-v2-2-order-paid.png'), fullPage: true });

    // A partial refund from the admin's payment page: POST /refunds on the merchant facade, signed.
    await adminRefund(page, state.order_id, '1.00', { done: 'bitpay-v2-3-admin-refunded.png' });
    const atSandbox = await sandboxOrder('bitpay', invoiceId);
    assert.equal(atSandbox.refunded_minor, 100, 'the sandbox refunded 1.00');
    assert.equal(atSandbox.state, 'partially refunded');

    state = await orderPageAt(page, orderUrl, 'partially_refunded');
    assert.deepEqual(state.refunds.map((r) => [r.kind, r.amount, r.status]), [['refund', '1.00', 'succeeded']]);
    assert.equal(state.refunded, '1.00');
    await page.screenshot({ path: join(SHOTS, 'bitpay-v2-4-order-partially-refunded.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

// --- Card (Redsys, 3-D Secure in page): hostedpay.django.card3ds against the sandbox's EMV3DS ---
// The card is typed on the shop's own page; the shop runs iniciaPeticionREST, the issuer's 3DS
// Method in a hidden iframe, trataPeticionREST (frictionless, or a challenge on the sandbox's
// ACS page) and the cres. Sandbox cards: …0003 frictionless, …3839 3DS Method then a challenge.

/** Product page → Buy → checkout → "Pay by card" → the shop's card form, filled and sent. */
async function payByCard(page, pan, shot) {
  await page.goto(`${demo.info.shop}/`);
  await Promise.all([page.waitForURL('**/checkout/'), page.click('#buy')]);
  await Promise.all([page.waitForURL(`${demo.info.shop}/vpos/card3ds/**`), page.click('#pay-with-card3ds')]);
  await page.fill('#card3ds-pan', pan);
  await page.fill('#card3ds-expiry', '12/34');
  await page.fill('#card3ds-cvv', '123');
  await page.screenshot({ path: join(SHOTS, `${shot}-1-card-form.png`), fullPage: true });
  // The card goes to the shop only: no request of the page carries it to the sandbox.
  const toSandbox = [];
  page.on('request', (r) => { if (r.url().startsWith(demo.info.sandbox)) toSandbox.push(r.postData() ?? ''); });
  await page.click('#card3ds-pay');
  return toSandbox;
}

async function expectPaidByCard(page, toSandbox, pan, shot) {
  await page.waitForURL(`${demo.info.shop}/orders/**`, { timeout: WAIT_MS });
  await page.waitForSelector('#status[data-status="paid"]', { timeout: WAIT_MS });
  assert.equal(await page.getAttribute('#gateway', 'data-gateway'), 'redsys');
  const state = await orderState(page);
  assert.equal(state.status, 'paid');
  assert.deepEqual(state.changes.map((c) => [c.from, c.to]), [['new', 'paid']]);
  assert.deepEqual(state.notifications.map((n) => n.verdict), ['applied']);
  assert.ok(toSandbox.every((body) => !body.includes(pan)), 'the browser never sent the card to the sandbox');
  await page.screenshot({ path: join(SHOTS, `${shot}-3-order-paid.png`), fullPage: true });
}

test('card (Redsys, 3-D Secure in page): a frictionless card, paid without a challenge', async () => {
  await sandboxJson('/_sandbox/reset', {});
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  try {
    const pan = '4548810000000003';
    const toSandbox = await payByCard(page, pan, 'card3ds-frictionless');
    await expectPaidByCard(page, toSandbox, pan, 'card3ds-frictionless');
    assert.deepEqual(toSandbox, [], 'no 3DS Method, no challenge: the browser never went to the sandbox');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('card (Redsys, 3-D Secure in page): the 3DS Method, then a challenge approved on the issuer page', async () => {
  await sandboxJson('/_sandbox/reset', {});
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  try {
    const pan = '4548810000003839';
    const toSandbox = await payByCard(page, pan, 'card3ds-challenge');
    // The method page ran the issuer's 3DS Method in its hidden iframe, then the challenge
    // page posted creq to the sandbox's ACS.
    await page.waitForURL(`${demo.info.sandbox}/sis-sandbox/acs`, { timeout: WAIT_MS });
    assert.match(await page.textContent('body'), /authenticate the payment of order/);
    await page.screenshot({ path: join(SHOTS, 'card3ds-challenge-2-issuer-page.png'), fullPage: true });
    await page.click('#approve');
    await expectPaidByCard(page, toSandbox, pan, 'card3ds-challenge');
    const notes = (await getJson(`${demo.info.sandbox}/_sandbox/events`)).events
      .map((e) => JSON.stringify(e)).join('\n');
    assert.match(notes, /EMV3DS 3DS Method ran/);
    assert.match(notes, /threeDSCompInd Y/, 'the Method completed before AuthenticationData');
    assert.match(notes, /challenge answered: transStatus Y/);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
