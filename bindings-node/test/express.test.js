'use strict';
// The Express example, driven over HTTP on 127.0.0.1, with a real FloCash stand-in answering
// the post-backs.

// Express's final handler prints a 500's stack unless the environment is `test`.
process.env.NODE_ENV = 'test';

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { flocash } = require('hostedpay');
const { createApp, memoryStore, orderTotal } = require('../examples/express.js');
const { startFlocash } = require('./support/flocash-server.js');
const { TOKEN, config, FORM, BODY, EVENT_KEY } = require('./support/fixtures.js');

// Two items at 2.50 USD: FloCash charges and notifies the total, 5.00.
const PAID = BODY.replace('amount=23.45', 'amount=5.00').replace('item_price=23.45', 'item_price=2.50')
  .replace('quantity=1', 'quantity=2');
// The notification a shop storing the item price expected: 2.50, refused.
const ITEM_PRICE_ONLY = BODY.replace('amount=23.45', 'amount=2.50').replace('item_price=23.45', 'item_price=2.50')
  .replace('quantity=1', 'quantity=2');

describe('examples/express.js', () => {
  let flocashServer;
  let shop;
  let base;
  let store;

  before(async () => {
    flocashServer = await startFlocash('verified');
    const gateway = new flocash.Gateway(config(flocashServer.baseUrl));
    store = memoryStore();
    store.addPayment(
      { order_id: 'AT000001', custom: 'C0000001', item_name: 'Call Credit', item_price: { value: '2.50', currency: 'USD' }, quantity: 2 },
      'test@merchant.com',
    );
    shop = await new Promise((resolve) => {
      const s = createApp({ gateway, db: store }).listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${shop.address().port}`;
  });

  after(async () => {
    shop.closeAllConnections();
    await new Promise((resolve) => shop.close(resolve));
    await flocashServer.stop();
  });

  const post = (path, body, contentType = FORM) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
  /** The order as the shop's order page shows it. */
  const order = async (id) => {
    const res = await fetch(`${base}/orders/${id}`);
    assert.equal(res.status, 200);
    return res.json();
  };

  test('the payment is stored with the order total, exact: item price × quantity', async () => {
    assert.deepEqual(await order('AT000001'),
      { order_id: 'AT000001', status: 'new', amount: '5.00', currency: 'USD', applied: 0 });
    assert.equal((await fetch(`${base}/orders/NOPE`)).status, 404);
    assert.deepEqual(orderTotal({ item_price: { value: '0.10', currency: 'USD' }, quantity: 3 }),
      { minor: 30n, currency: 'USD', value: '0.30' });
    assert.deepEqual(orderTotal({ item_price: { minor: 1n, currency: 'JPY' }, quantity: 7 }),
      { minor: 7n, currency: 'JPY', value: '7' });
    const given = { value: '4.00', currency: 'USD' };
    assert.equal(orderTotal({ item_price: { value: '2.50', currency: 'USD' }, quantity: 2, amount: given }), given);
  });

  test('the checkout page carries the redirect form', async () => {
    const res = await fetch(`${base}/pay/AT000001`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<form class="vpos-redirect" action="https:\/\/fcms\.flocash\.com\/ecom\/ecommerce\.do" method="post"/);
    assert.match(html, /name="amount" value="5\.00"/);
    assert.match(html, /name="item_price" value="2\.50"/);
    assert.match(html, /\.submit\(\);<\/script>/);
    assert.equal((await fetch(`${base}/pay/NOPE`)).status, 404);
  });

  test('a wrong token is answered 404 and nothing is stored', async () => {
    const res = await post('/flocash/notify/not-the-token', BODY);
    assert.equal(res.status, 404);
    assert.equal(await res.text(), 'Not Found');
    assert.equal(store.notifications.length, 0);
    assert.equal(flocashServer.received.length, 0);
  });

  test('a notification of another amount than the total is refused 409 and pays nothing', async () => {
    const res = await post(`/flocash/notify/${TOKEN}`, ITEM_PRICE_ONLY);
    assert.equal(res.status, 409);
    assert.match(await res.text(), /amount_mismatch/);
    assert.equal((await order('AT000001')).status, 'new');
  });

  test('a verified notification of the total pays the order, answered 200 00; the raw body was stored', async () => {
    const res = await post(`/flocash/notify/${TOKEN}`, PAID);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await res.text(), '00');
    assert.deepEqual(await order('AT000001'),
      { order_id: 'AT000001', status: 'paid', amount: '5.00', currency: 'USD', applied: 1 });
    assert.deepEqual(store.snapshot('AT000001').applied_event_keys, [EVENT_KEY]);
    assert.equal(store.notifications.at(-1).body.toString(), PAID);
    assert.equal(flocashServer.received.at(-1).body, `${PAID}&cmd=notify-validate`);
  });

  test('FloCash delivering the same notification again changes nothing and still gets 00', async () => {
    const res = await post(`/flocash/notify/${TOKEN}`, PAID);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '00');
    assert.deepEqual(await order('AT000001'),
      { order_id: 'AT000001', status: 'paid', amount: '5.00', currency: 'USD', applied: 1 });
  });

  test('a duplicated field (parameter pollution) is refused 422: the raw body is what shows it', async () => {
    // A parsed body (express.urlencoded) would have merged both values into an array.
    const res = await post(`/flocash/notify/${TOKEN}`, `${PAID}&amount=1.00`);
    assert.equal(res.status, 422);
    const { errors } = await res.json();
    assert.deepEqual([errors[0].code, errors[0].field], ['duplicate_field', 'amount']);
  });

  test('a JSON body is refused by content type, not swallowed by a parser', async () => {
    const res = await post(`/flocash/notify/${TOKEN}`, '{"amount":"23.45"}', 'application/json');
    assert.equal(res.status, 422);
    assert.equal((await res.json()).errors[0].code, 'unsupported_content_type');
  });

  test('an unknown order is answered payment_not_found (503), so FloCash delivers again later', async () => {
    const res = await post(`/flocash/notify/${TOKEN}`, PAID.replace('AT000001', 'AT000999'));
    assert.equal(res.status, 503);
    assert.equal(await res.text(), 'payment_not_found');
  });
});
