// One edge module per gateway (`hostedpay-web/edge/<gateway>`): each has the driver and its own
// gateway only. A configuration for any other gateway is refused with the stable code
// `gateway_not_built` on `gateway` (never a panic, never `unsupported`: the name is known), its
// own gateway's is read (here: refused for its missing keys, `invalid_config`), and only its
// own namespace is exported. The vectors of each gateway run through its module in
// vectors.test.mjs; the size budgets are in sizes.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeBuilds, gatewayEdgeBuilds, EDGE_GATEWAYS } from './support.mjs';

const NAMESPACES = ['flocash', 'redsys', 'ceca', 'elavon', 'paypal', 'bitpay'];

/** The error `new api.Config(input)` throws, as `{code, field}` (or null when it read it). */
function configError(api, input) {
  try {
    new api.Config(input);
    return null;
  } catch (e) {
    assert.equal(e.name, 'VposError', `${e}`);
    return { code: e.code, field: e.field };
  }
}

for (const gateway of EDGE_GATEWAYS) {
  for (const { name, api } of await gatewayEdgeBuilds(gateway)) {
    test(`${name}: other gateways are gateway_not_built, its own is read`, () => {
      assert.equal(api.flavour(), 'edge');
      assert.ok(api.errorCodes().includes('gateway_not_built'));
      // Every name is still known (a host's list of gateways does not depend on the module).
      assert.deepEqual(api.gateways(), ['flocash', 'redsys', 'paypal', 'ceca', 'elavon', 'bitpay', 'paypal_rest']);
      for (const other of EDGE_GATEWAYS) {
        const err = configError(api, { gateway: other });
        if (other === gateway) {
          assert.equal(err?.code, 'invalid_config', `${other}: ${JSON.stringify(err)}`);
        } else {
          assert.deepEqual(err, { code: 'gateway_not_built', field: 'gateway' }, other);
        }
      }
      // A name vpos does not know stays `unsupported`.
      assert.equal(configError(api, { gateway: 'visa' })?.code, 'unsupported');
    });

    test(`${name}: only its own gateway's namespace`, () => {
      const present = NAMESPACES.filter((ns) => api[ns] !== undefined);
      assert.deepEqual(present, NAMESPACES.includes(gateway) ? [gateway] : []);
      assert.equal(typeof api.handleNotification, 'function');
      assert.equal(typeof api.transition, 'function');
    });
  }
}

for (const { name, api } of await edgeBuilds()) {
  test(`${name}: the all-gateways module builds every gateway`, () => {
    for (const gateway of EDGE_GATEWAYS) {
      assert.equal(configError(api, { gateway })?.code, 'invalid_config', gateway);
    }
    assert.deepEqual(NAMESPACES.filter((ns) => api[ns] === undefined), []);
  });
}
