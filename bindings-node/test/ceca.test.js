'use strict';
// The CECA Gateway through the public API: secrets, checkout, the notification handler.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const vpos = require('hostedpay');
const { vectorCases, vectorInput, assertHidden } = require('./support/cases.js');

const { ceca } = vpos;
const cases = vectorCases('ceca');
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

test('ceca: the key never shows in inspect, JSON or errors', () => {
  const { config } = vectorInput(cases, /^SHA2 Firma of the Cecabank manual example/);
  const g = new ceca.Gateway(config);
  const { shown, json } = assertHidden(g, [config.key], 'ceca');
  assert.match(shown, /^ceca\.Gateway .*key: '\*\*\*'/s);
  assert.ok(!JSON.parse(json).key);
  assert.equal(g.publicConfig.merchant_id, config.merchant_id);
  assert.throws(
    () => new ceca.Gateway({ ...config, key: 987654321987654321n }),
    (e) => e.code === 'invalid_config' && e.field === 'key' && !e.message.includes('987654321987654321'),
  );
});

test('ceca: checkout from bigint minor units equals the vector form; a number is refused', () => {
  const input = vectorInput(cases, /^SHA2 Firma of the Cecabank manual example/);
  const g = new ceca.Gateway(input.config);
  const form = g.checkout(input.order);
  assert.equal(form.fields.find(([n]) => n === 'Firma')[1].length, 64);
  const minor = money(input.order.amount);
  assert.deepEqual(g.checkout({ ...input.order, amount: minor }), form);
  assert.throws(() => g.checkout({ ...input.order, amount: { minor: Number(minor.minor), currency: minor.currency } }), {
    code: 'field_invalid',
  });
  assert.match(g.checkoutHtml(input.order), /name="Firma"/);
});

function money(amount) {
  const a = amount.minor !== undefined ? vpos.money.fromMinor(amount.minor, amount.currency) : vpos.money.parse(amount.value, amount.currency);
  return { minor: a.minor, currency: a.currency };
}

test('ceca handleNotification: stored first, verified, applied, $*$OKY$*$', async () => {
  const input = vectorInput(cases, /^notification verifies: paid/);
  const g = new ceca.Gateway(input.config, { validate: false });
  const steps = [];
  const result = await g.handleNotification({
    body: Buffer.from(input.body),
    headers: FORM,
    onReceived: () => steps.push('received'),
    payment: (event) => (steps.push(`payment ${event.order_id}`), input.payment),
  });
  assert.equal(result.status, 200);
  assert.equal(result.body, '$*$OKY$*$');
  assert.equal(result.outcome.outcome, 'applied');
  assert.equal(result.event.gateway, 'ceca');
  assert.deepEqual(steps, ['received', `payment ${result.event.order_id}`]);
  assert.deepEqual(g.acknowledge(result.outcome), ceca.acknowledge(result.outcome));
});

test('ceca handleNotification: tampered Importe is 403, the payment never loaded; look-alikes refused', async () => {
  const input = vectorInput(cases, /^tampered Importe/);
  const g = new ceca.Gateway(input.config, { validate: false });
  let loaded = false;
  const result = await g.handleNotification({ body: input.body, headers: FORM, payment: () => ((loaded = true), input.payment) });
  assert.equal(result.status, 403);
  assert.equal(result.error.code, 'signature_mismatch');
  assert.notEqual(result.body, '$*$OKY$*$');
  assert.equal(loaded, false);
  const unverified = g.parseNotification(FORM['content-type'], input.body);
  assert.throws(() => g.verify({ untrusted: unverified.untrusted }), { code: 'field_invalid', field: 'notification' });
  assert.throws(() => vpos.transition(input.payment, unverified), { code: 'field_invalid', field: 'verified' });
  assert.throws(() => vpos.transition(input.payment, Object.create(ceca.VerifiedNotification.prototype)), { code: 'field_invalid' });
  assert.equal(ceca.reject({ code: 'signature_mismatch' }).status, 403);
});
