// The one shared JS API test (tests/js/api.shared.mjs) against the edge module, both builds;
// the Node addon runs the same file from bindings-node/test/api.shared.test.js.
import { test } from 'node:test';
import { run } from '../../tests/js/api.shared.mjs';
import { edgeBuilds } from './support.mjs';

for (const { name, api } of await edgeBuilds()) {
  test(`shared JS API: hostedpay-web/edge, ${name}`, (t) => run(t, api));
}
