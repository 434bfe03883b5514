// A real headless Chromium (Debian's, driven by playwright-core) on the example page: fill an
// order, see the core's field errors for bad values, fix them, submit, and check what the
// fake FloCash checkout received, field by field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startShop, TOKEN } from './server.mjs';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let shop;
let context;
let profile;

before(async () => {
  shop = await startShop();
  profile = mkdtempSync(join(tmpdir(), 'hostedpay-web-e2e-'));
  // A persistent context is how playwright takes a fresh --user-data-dir of our own.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: FLAGS,
  });
});

after(async () => {
  await context?.close();
  await shop?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** The fields FloCash must receive for the order the test types in, in FloCash's order. */
const expectedFields = () => [
  ['merchant_name', 'Demo Shop'],
  ['merchant', 'sales@demoshop.com'],
  ['custom', 'C0000001'],
  ['order_id', 'AT000001'],
  ['amount', '750.00'],
  ['item_name', 'Call Credit'],
  ['item_price', '250.00'],
  ['currency_code', 'KES'],
  ['quantity', '3'],
  ['return_url', `${shop.origin}/thanks`],
  ['country', 'KE'],
  ['user_firstName', 'Wanjiru'],
  ['user_email', 'wanjiru@example.com'],
];

async function openPage(query = '') {
  const page = await context.newPage();
  const failures = [];
  page.on('pageerror', (e) => failures.push(e));
  await page.goto(`${shop.origin}/${query}`);
  await page.waitForSelector('html[data-ready]');
  return { page, failures };
}

/** The error shown for a field: [code, message], or ['', ''] when none. */
const errorFor = (page, field) => page.$eval(`[data-error-for="${field}"]`,
  (p) => [p.dataset.code ?? '', p.textContent]);

/** Asserts the page shows the core's error `code` for `field`, its message naming `mention`. */
async function assertShown(page, field, code, mention) {
  const [shownCode, message] = await errorFor(page, field);
  assert.equal(shownCode, code, `error shown for ${field}: ${message}`);
  assert.ok(message.includes(mention), `${JSON.stringify(message)} should mention ${mention}`);
}

test('field errors come from the core before submit; a fixed order reaches FloCash with exactly the expected fields', async () => {
  const { page, failures } = await openPage();
  const before = shop.received.length;
  await page.fill('#price', '250.005');
  await page.selectOption('#currency', 'KES');
  await page.fill('#quantity', '3');
  await page.fill('#first_name', 'Wanjiru');
  await page.fill('#email', 'wanjiru.example.com');
  await page.fill('#country', 'Kenya');
  await page.click('button[type=submit]');

  await assertShown(page, 'item_price', 'amount_precision', '250.005');
  assert.equal(await page.getAttribute('#price', 'aria-invalid'), 'true');
  await page.fill('#price', '250');
  await page.click('button[type=submit]');
  assert.deepEqual(await errorFor(page, 'item_price'), ['', '']);
  await assertShown(page, 'country', 'field_invalid', 'country');
  await page.fill('#country', 'KE');
  await page.click('button[type=submit]');
  await assertShown(page, 'user_email', 'field_invalid', 'user_email');
  assert.equal(await page.getAttribute('#country', 'aria-invalid'), null, 'the fixed field is clear');
  assert.equal(shop.received.length, before, 'nothing is sent while the order has errors');

  await page.fill('#email', 'wanjiru@example.com');
  await Promise.all([page.waitForURL('**/fake-flocash/ecommerce.do'), page.click('button[type=submit]')]);
  assert.equal(await page.textContent('#paid'), 'Payment page');
  assert.equal(shop.received.length, before + 1);
  const { contentType, fields } = shop.received.at(-1);
  assert.equal(contentType, 'application/x-www-form-urlencoded');
  assert.deepEqual(fields, expectedFields());
  assert.deepEqual(failures, []);
  assert.ok(shop.served.every((body) => !body.includes(TOKEN)), 'the token never reached the browser');
  await page.close();
});

test('a form the server built is rendered and submitted unchanged', async () => {
  const { page, failures } = await openPage('?mode=server');
  assert.equal(await page.getAttribute('html', 'data-ready'), 'server');
  await page.fill('#price', '250.00');
  await page.selectOption('#currency', 'KES');
  await page.fill('#quantity', '3');
  await page.fill('#first_name', 'Wanjiru');
  await page.fill('#email', 'wanjiru@example.com');
  await page.fill('#country', 'KE');
  await Promise.all([page.waitForURL('**/fake-flocash/ecommerce.do'), page.click('button[type=submit]')]);
  assert.deepEqual(shop.received.at(-1).fields, expectedFields());
  assert.deepEqual(failures, []);
  await page.close();
});
