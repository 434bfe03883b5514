// Every case under tests/vectors/ through both builds of vpos-web, mirroring the reference
// runner core/tests/vectors.rs operation by operation (docs/conformance.md).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builds, parseJson, errorJson, subsetMismatch } from './support.mjs';

const vectorsDir = fileURLToPath(new URL('../../tests/vectors/', import.meta.url));

function vectorFiles(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return vectorFiles(p);
    return name.endsWith('.json') ? [p] : [];
  });
}

const bodyOf = (input) =>
  input.body_base64 !== undefined ? Buffer.from(input.body_base64, 'base64') : (input.body ?? '');
const contentTypeOf = (input) => input.content_type ?? 'application/x-www-form-urlencoded';

/** One vector operation through the public JS API of `vpos`; throws what the API throws. */
function run(vpos, op, input) {
  const { flocash } = vpos;
  const gateway = () => new flocash.Gateway(input.config);
  const parse = (g) => g.parseNotification(contentTypeOf(input), bodyOf(input));
  switch (op) {
    case 'money.parse':
      return vpos.parseAmount(input.value, input.currency);
    case 'money.from_minor':
      return vpos.amountFromMinor(input.minor, input.currency);
    case 'currency.lookup':
      return vpos.currencyInfo(input.numeric ?? input.code);
    case 'flocash.config': {
      const g = gateway();
      g.validate();
      return { postback_url: g.postbackUrl() };
    }
    case 'flocash.check_token':
      gateway().checkToken(input.token);
      return {};
    case 'flocash.status':
      return flocash.status(input.code);
    case 'flocash.checkout':
      return gateway().checkout(input.order);
    case 'flocash.checkout_public':
      return flocash.checkoutPublic(input.public_config, input.order);
    case 'flocash.parse_notification':
      return parse(gateway()).untrusted();
    case 'flocash.postback_request': {
      const g = gateway();
      return g.postbackRequest(parse(g));
    }
    case 'flocash.verify_postback': {
      const g = gateway();
      return { event: g.verifyPostback(parse(g), input.reply).event().toJSON() };
    }
    case 'flocash.handle':
      return handle(vpos, input);
    default:
      throw new Error(`operation ${op} has no mapping in bindings-wasm/test/vectors.test.mjs: expose it in vpos-web`);
  }
}

/** The whole host flow, as the reference runner's `handle`: token, parse, post-back, transition, answer. */
function handle(vpos, input) {
  const g = new vpos.flocash.Gateway(input.config);
  try {
    if (typeof input.token === 'string') g.checkToken(input.token);
    const unverified = g.parseNotification(contentTypeOf(input), bodyOf(input));
    const verified = g.verifyPostback(unverified, input.reply);
    const outcome = vpos.transition(input.payment, verified.event());
    return { outcome: outcome.toJSON(), response: g.acknowledge(outcome) };
  } catch (e) {
    if (typeof e?.code !== 'string') throw e; // not a vpos error: a bug, fail the case
    return { error: errorJson(e), response: g.reject(e) };
  }
}

const files = vectorFiles(vectorsDir);
const loaded = await builds();

test('the vectors directory is not empty', () => {
  assert.ok(files.length >= 5, `only ${files.length} vector files under ${vectorsDir}`);
});

for (const { name, api } of loaded) {
  describe(`vectors through the ${name} build`, () => {
    for (const file of files) {
      const doc = parseJson(readFileSync(file, 'utf8'));
      const label = file.slice(vectorsDir.length);
      assert.ok(Array.isArray(doc.cases) && doc.cases.length > 0, `${label}: no cases`);
      describe(label, () => {
        for (const [index, c] of doc.cases.entries()) {
          test(`#${index} ${c.description}`, () => {
            assert.ok('source' in c, 'a case needs a source');
            assert.ok(('expect' in c) !== ('error' in c), 'a case needs exactly one of expect / error');
            const input = { ...(doc.defaults ?? {}), ...c.input };
            let actual;
            let thrown;
            try {
              actual = run(api, c.operation, input);
            } catch (e) {
              thrown = e;
            }
            if ('expect' in c) {
              if (thrown) assert.fail(`expected success, got ${thrown.code ?? 'a non-vpos error'}: ${thrown.message}`);
              const miss = subsetMismatch(c.expect, actual);
              assert.equal(miss, null, miss ?? '');
            } else {
              if (!thrown) assert.fail(`expected error ${JSON.stringify(c.error)}, got success`);
              assert.ok(thrown instanceof Error, 'vpos errors are Error objects');
              assert.equal(thrown.name, 'VposError', `not a vpos error: ${thrown.stack}`);
              const miss = subsetMismatch(c.error, errorJson(thrown), 'error');
              assert.equal(miss, null, miss ?? '');
            }
          });
        }
      });
    }
  });
}
