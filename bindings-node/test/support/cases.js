'use strict';
// Inputs taken from the shared vectors themselves (tests/vectors/<area>), so the
// gateway tests use real signed messages and never sign anything of their own.

const path = require('node:path');
const assert = require('node:assert/strict');
const { VECTORS_DIR, loadCases, moneyAsBigint } = require('./vectors.js');

/** The cases of one vector file, money as bigint. */
function vectorCases(area, file = `${area}.json`) {
  return loadCases(path.join(VECTORS_DIR, area, file)).map((c) => ({ ...c, input: moneyAsBigint(c.input) }));
}

/** The input of the first case whose description matches `re`. */
function vectorInput(cases, re) {
  const c = cases.find((x) => re.test(x.description));
  assert.ok(c, `no vector matching ${re}`);
  return c.input;
}

/** Asserts that no output of `gateway` shows `secret` (inspect, JSON, keys). */
function assertHidden(gateway, secrets, name) {
  assert.deepEqual(Object.keys(gateway), []);
  const shown = require('node:util').inspect(gateway, { depth: 10, showHidden: true });
  const json = JSON.stringify(gateway);
  for (const secret of secrets) {
    assert.ok(!shown.includes(secret), `${name}: inspect shows a secret: ${shown}`);
    assert.ok(!json.includes(secret), `${name}: JSON shows a secret: ${json}`);
  }
  return { shown, json };
}

module.exports = { vectorCases, vectorInput, assertHidden };
