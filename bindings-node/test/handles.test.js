'use strict';
// A Redsys unverified handle gives its notification up to the verified one (no copy): it stays
// readable and verifiable after a verify, after a refused verify, and by another gateway.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vpos = require('hostedpay');

const DATA = JSON.parse(fs.readFileSync(path.join(__dirname, '../../bench/peers/data/redsys_mn000049.json'), 'utf8'));
const FORM = 'application/x-www-form-urlencoded';
const SOAP = 'text/xml; charset=utf-8';

test('redsys: the unverified handle stays readable and verifiable after verify', () => {
  const g = new vpos.redsys.Gateway(DATA.config);
  const u = g.parseNotification(FORM, DATA.body);
  const before = { untrusted: structuredClone(u.untrusted), raw: Buffer.from(u.rawBody).toString() };
  const v1 = g.verify(u);
  const v2 = g.verify(u);
  assert.notEqual(v1, v2);
  assert.deepStrictEqual(v1.notification, v2.notification);
  assert.deepStrictEqual(v1.notification, before.untrusted);
  assert.equal(Buffer.from(u.rawBody).toString(), before.raw);
  assert.equal(Buffer.from(v2.rawBody).toString(), DATA.body);
  assert.deepStrictEqual(JSON.parse(u.untrustedJson(), (k, x) => (k === 'minor' ? BigInt(x) : x)), before.untrusted);
  assert.equal(v1.event.key, v2.event.key);
});

test('redsys: a refused verify leaves the handle readable, and another gateway may verify it', () => {
  const good = new vpos.redsys.Gateway(DATA.config);
  const wrong = new vpos.redsys.Gateway({ ...DATA.config, secret_key: 'Mk9m98IfEblmPfrpsawt7BmxObt98Jev' });
  const u = good.parseNotification(FORM, DATA.body);
  // Fresh handles: the refusal comes before any read.
  assert.throws(() => wrong.verify(u), { code: 'signature_mismatch' });
  assert.equal(Buffer.from(u.rawBody).toString(), DATA.body);
  assert.equal(u.untrusted.order, 'MN000049');
  assert.throws(() => wrong.verify(u), { code: 'signature_mismatch' });
  const v = good.verify(u);
  assert.equal(v.notification.order, 'MN000049');
  assert.throws(() => wrong.verify(u), { code: 'signature_mismatch' });
  assert.equal(good.verify(u).notification.order, 'MN000049');

  const fresh = good.parseNotification(FORM, DATA.body);
  assert.throws(() => wrong.verify(fresh), { code: 'signature_mismatch' });
  assert.equal(good.verify(fresh).notification.response, '0000');
});

test('redsys: a handle parsed from another content type is parsed again with it', () => {
  const g = new vpos.redsys.Gateway(DATA.config);
  assert.throws(() => g.parseNotification(SOAP, DATA.body));
  const u = g.parseNotification('application/x-www-form-urlencoded; charset=UTF-8', DATA.body);
  assert.throws(() => new vpos.redsys.Gateway({ ...DATA.config, secret_key: 'Mk9m98IfEblmPfrpsawt7BmxObt98Jev' }).verify(u));
  assert.equal(u.untrusted.order, 'MN000049');
  assert.equal(g.verify(u).notification.order, 'MN000049');
});
