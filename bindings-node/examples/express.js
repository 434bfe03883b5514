'use strict';
// A FloCash shop on Express with vpos: a checkout page, the notification route and an order
// page that shows the payment's status.
//
//   npm install hostedpay express
//   node node_modules/vpos/examples/express.js   (then open http://127.0.0.1:3000/pay/AT000001)
//
// The payment's amount is the order's total (item price × quantity), the amount FloCash charges
// and notifies: vpos refuses a notification whose amount differs (409 amount_mismatch).
// `memoryStore()` keeps everything in memory; in a real shop `db` is your database, and
// `apply` runs in a transaction holding the payment row's lock.

const express = require('express');
const { flocash, handleNotification, money } = require('hostedpay');

/** What the customer pays for `order`: its `amount`, else item price × quantity (as FloCash
 * computes it), exact in minor units. */
function orderTotal(order) {
  if (order.amount) return order.amount;
  const { currency } = order.item_price;
  const price = order.item_price.minor ?? money.parse(order.item_price.value, currency).minor;
  return money.fromMinor(price * BigInt(order.quantity), currency);
}

/** A stand-in for the shop's database: payments by order id and every notification received. */
function memoryStore() {
  const payments = new Map();
  const notifications = [];
  return {
    payments,
    notifications,
    addPayment(order, merchant) {
      const snapshot = {
        gateway: 'flocash',
        merchant,
        order_id: order.order_id,
        amount: orderTotal(order),
        status: 'new',
        refunded_minor: 0n,
        applied_event_keys: [],
      };
      payments.set(order.order_id, { order, snapshot });
    },
    /** Step 1 of every notification: keep the raw body, before anything acts on it. */
    saveNotification(body, contentType) {
      notifications.push({ body: Buffer.from(body), contentType, receivedAt: new Date() });
    },
    snapshot(orderId) {
      return payments.get(orderId)?.snapshot;
    },
    /** Persists an applied outcome and its event key (a unique constraint in SQL). */
    apply(event, outcome) {
      const snapshot = payments.get(event.order_id).snapshot;
      snapshot.status = outcome.to;
      snapshot.refunded_minor = outcome.refunded_minor;
      snapshot.applied_event_keys.push(event.key);
    },
  };
}

function createApp({ gateway, db }) {
  const app = express();

  // The customer's way to FloCash: a page with the redirect form, submitted on load.
  app.get('/pay/:orderId', (req, res) => {
    const payment = db.payments.get(req.params.orderId);
    if (!payment) return res.sendStatus(404);
    res.type('html').send(`<!doctype html><title>Paying</title>${gateway.checkoutHtml(payment.order, { autoSubmit: true })}`);
  });

  // The customer's order page (as JSON here): the status the notifications moved it to.
  app.get('/orders/:orderId', (req, res) => {
    const snapshot = db.snapshot(req.params.orderId);
    if (!snapshot) return res.sendStatus(404);
    const { order_id, status, amount, applied_event_keys } = snapshot;
    res.json({ order_id, status, amount: amount.value, currency: amount.currency, applied: applied_event_keys.length });
  });

  // ANCHOR: notify
  // FloCash's server-to-server notification. express.raw(): vpos needs the exact bytes.
  app.post('/flocash/notify/:token', express.raw({ type: () => true, limit: '100kb' }), async (req, res) => {
    const request = {
      token: req.params.token, // checked in constant time; a wrong one is answered 404
      body: req.body, // a Buffer, thanks to express.raw()
      headers: req.headers,
    };
    const result = await handleNotification(gateway.config, request, {
      onReceived: ({ body, contentType }) => db.saveNotification(body, contentType), // stored first
      payment: (event) => db.snapshot(event.order_id), // loaded once verified; none: answered 503
    });
    // Persist first, answer second: if saving throws, Express answers 500 and FloCash retries.
    if (result.outcome?.outcome === 'applied') await db.apply(result.event, result.outcome);
    res.status(result.status);
    for (const [name, value] of result.headers) res.setHeader(name, value);
    res.end(result.body);
  });
  // ANCHOR_END: notify

  return app;
}

module.exports = { createApp, memoryStore, orderTotal };

if (require.main === module) {
  const config = {
    merchant: process.env.FLOCASH_MERCHANT ?? 'sales@demoshop.com',
    merchant_name: process.env.FLOCASH_MERCHANT_NAME ?? 'Demo Shop',
    checkout_url: process.env.FLOCASH_CHECKOUT_URL ?? 'https://fcms.flocash.com/ecom/ecommerce.do',
    base_url: process.env.FLOCASH_BASE_URL ?? 'https://fcms.flocash.com',
    notification_token: process.env.FLOCASH_NOTIFICATION_TOKEN ?? 'change-me-to-a-long-random-token',
  };
  const gateway = new flocash.Gateway(config);
  const db = memoryStore();
  db.addPayment(
    { order_id: 'AT000001', custom: 'C0000001', item_name: 'Call Credit', item_price: { value: '2.50', currency: 'USD' }, quantity: 2 },
    config.merchant,
  );
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp({ gateway, db }).listen(port, '127.0.0.1', () => {
    const { port: bound } = server.address();
    console.log(`shop on http://127.0.0.1:${bound}/pay/AT000001 (order page /orders/AT000001); notifications at /flocash/notify/<token>`);
  });
}
