'use strict';
// `npm pack` gives a tarball that installs into an empty folder and works there, from both
// `require` and `import`, with nothing from this repository on the path; its Express example
// runs from node_modules/hostedpay/examples/ and answers over HTTP.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const npm = (args, cwd) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });

const USE = `
const { flocash, money, errorCodes } = require('hostedpay');
const g = new flocash.Gateway({ merchant: 'm@shop.example', merchant_name: 'Shop', checkout_url: 'https://x.example/c',
  base_url: 'https://x.example', notification_token: 'a-long-random-token' });
const n = g.parseNotification('application/x-www-form-urlencoded',
  'merchant=m%40shop.example&order_id=A1&amount=5.00&currency_code=USD&trans_id=T&fpn_id=F&status=0');
const v = g.verifyPostback(n, { status: 200, body: 'VERIFIED' });
console.log(JSON.stringify({ key: v.event.key, minor: String(money.parse('5.00', 'USD').minor), codes: errorCodes().length,
  where: require.resolve('hostedpay') }));
`;

const IMPORT = `
import { flocash } from 'hostedpay';
console.log(flocash.status('4').status);
`;

/** Runs the installed Express example on a free port (express from this repository's dev
 * dependencies: the empty folder is offline) and returns its base URL and the process. */
function startExample(app) {
  const child = spawn(process.execPath, [path.join(app, 'node_modules', 'hostedpay', 'examples', 'express.js')], {
    cwd: app,
    env: { ...process.env, PORT: '0', NODE_PATH: path.join(root, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`the example did not start: ${out}`)); }, 30_000);
    const read = (chunk) => {
      out += chunk;
      const m = /shop on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) { clearTimeout(timer); resolve({ base: m[1], child }); }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the example exited ${code}: ${out}`)); });
  });
}

test('npm pack installs into an empty folder and works there', { timeout: 120_000 }, async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vpos-pack-'));
  try {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], root))[0];
    const files = packed.files.map((f) => f.path);
    for (const needed of ['index.js', 'index.mjs', 'index.d.ts', 'native.js', 'hostedpay.linux-x64-gnu.node', 'lib/driver.js', 'README.md', 'package.json', 'examples/express.js', 'testing.js', 'testing.mjs', 'testing.d.ts']) {
      assert.ok(files.includes(needed), `${needed} missing from the tarball: ${files}`);
    }
    for (const f of files) assert.doesNotMatch(f, /^(src|test|bench|node_modules)\//, `${f} should not ship`);

    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    npm(['install', '--no-package-lock', '--offline', path.join(work, packed.filename)], app);

    fs.writeFileSync(path.join(app, 'use.cjs'), USE);
    fs.writeFileSync(path.join(app, 'use.mjs'), IMPORT);
    const run = (file) => execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8' }).trim();
    const result = JSON.parse(run('use.cjs'));
    assert.equal(result.key, 'flocash:F:T:sale:0000');
    assert.equal(result.minor, '500');
    assert.ok(result.codes > 0);
    assert.ok(result.where.startsWith(path.join(app, 'node_modules', 'hostedpay')), result.where);
    assert.equal(run('use.mjs'), 'pending');

    // The example as a user finds it in node_modules: its checkout page and its order page.
    const { base, child } = await startExample(app);
    try {
      const pay = await fetch(`${base}/pay/AT000001`);
      assert.equal(pay.status, 200);
      assert.match(await pay.text(), /name="amount" value="5\.00"/);
      const order = await (await fetch(`${base}/orders/AT000001`)).json();
      assert.deepEqual([order.status, order.amount, order.currency], ['new', '5.00', 'USD']);
    } finally {
      child.kill();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
