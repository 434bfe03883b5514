'use strict';
// The one shared JS API test (tests/js/api.shared.mjs) against the Node addon; the wasm edge
// module runs the same file from bindings-wasm/test/api.shared.test.mjs.

const { test } = require('node:test');
const vpos = require('hostedpay');

test('shared JS API: vpos (Node addon)', async (t) => {
  const { run } = await import('../../tests/js/api.shared.mjs');
  await run(t, vpos);
});
