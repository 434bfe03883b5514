'use strict';
// README.md is tested: its quick start runs, its Express route is the example's (which the
// Express test drives), and its error table names every code.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile, execFileSync } = require('node:child_process');
const { promisify } = require('node:util');
const fs = require('node:fs');
const path = require('node:path');
const { errorCodes } = require('hostedpay');
const { startFlocash } = require('./support/flocash-server.js');
const { TOKEN, config, FORM, BODY, payment } = require('./support/fixtures.js');

const root = path.join(__dirname, '..');
const execFileAsync = promisify(execFile);
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

test('the quick start runs and prints what its comments say', () => {
  const m = /<!-- readme-test: run -->\n```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'no runnable block in README.md');
  const out = execFileSync(process.execPath, ['-e', m[1]], { cwd: root, encoding: 'utf8' });
  assert.match(out, /https:\/\/fcms\.flocash\.com\/ecom\/ecommerce\.do \[ 'amount', '5\.00' \]/);
  assert.match(out, /\{ minor: 2345n, currency: 'EUR', value: '23\.45' \}/);
  assert.match(out, /amount_precision null/);
});

test('the "Test your integration locally" block prints what its comments say', () => {
  const m = /<!-- readme-test: testing -->\n```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'no testing block in README.md');
  const expected = [...m[1].matchAll(/^\/\/ (\w+ \d{3} \w+ \w+)$/gm)].map((x) => x[1]);
  assert.equal(expected.length, 3, 'the block states its three outputs');
  const out = execFileSync(process.execPath, ['-e', m[1]], { cwd: root, encoding: 'utf8' });
  assert.deepEqual(out.trim().split('\n'), expected);
});

test('the verbs snippet runs against a post-back server and answers 200 00', async () => {
  const m = /<!-- readme-test: verbs -->\n```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'no verbs block in README.md');
  const server = await startFlocash('verified');
  try {
    const prelude = `
      const { flocash } = require('hostedpay');
      const gateway = new flocash.Gateway(${JSON.stringify(config(server.baseUrl))});
      const tokenFromUrl = ${JSON.stringify(TOKEN)};
      const contentType = ${JSON.stringify(FORM)};
      const rawBody = Buffer.from(${JSON.stringify(BODY)});
      const payment = ${JSON.stringify(payment())};`;
    const script = `${prelude}\n(async () => {\n${m[1]}\nconsole.log(JSON.stringify(answer));\n})();`;
    // Asynchronously: the post-back server runs in this process and must be free to answer.
    const { stdout: out } = await execFileAsync(process.execPath, ['-e', script], { cwd: root });
    assert.deepEqual(JSON.parse(out), { status: 200, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: '00' });
  } finally {
    await server.stop();
  }
});

test('the Redsys block runs and prints what its comments say', () => {
  const m = /<!-- readme-test: redsys -->\n```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'no redsys block in README.md');
  const out = execFileSync(process.execPath, ['-e', m[1]], { cwd: root, encoding: 'utf8' });
  assert.match(out, /^Ds_SignatureVersion Ds_MerchantParameters Ds_Signature$/m);
  assert.match(out, /\{ action: 'sale', status: 'succeeded', response: '0000' \}/);
});

test('the Express route in the README is the one in examples/express.js', () => {
  const example = fs.readFileSync(path.join(root, 'examples', 'express.js'), 'utf8');
  const region = /\/\/ ANCHOR: notify\n([\s\S]*?)\n\s*\/\/ ANCHOR_END: notify/.exec(example);
  assert.ok(region, 'examples/express.js has no notify anchor');
  const dedented = region[1].replace(/^ {2}/gm, '');
  assert.ok(readme.includes(dedented), `README.md does not contain the example route:\n${dedented}`);
});

test('the error table names every code', () => {
  const table = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Secrets'));
  for (const code of errorCodes()) assert.ok(table.includes(`\`${code}\``), `${code} missing from README.md`);
});
