'use strict';
// `npm pack` gives a tarball that installs into an empty folder and works there, from both
// `require` and `import`, with nothing from this repository on the path.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
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
const { flocash, money, errorCodes } = require('vpos');
const g = new flocash.Gateway({ merchant: 'm@shop.example', merchant_name: 'Shop', checkout_url: 'https://x.example/c',
  base_url: 'https://x.example', notification_token: 'a-long-random-token' });
const n = g.parseNotification('application/x-www-form-urlencoded',
  'merchant=m%40shop.example&order_id=A1&amount=5.00&currency_code=USD&trans_id=T&fpn_id=F&status=0');
const v = g.verifyPostback(n, { status: 200, body: 'VERIFIED' });
console.log(JSON.stringify({ key: v.event.key, minor: String(money.parse('5.00', 'USD').minor), codes: errorCodes().length,
  where: require.resolve('vpos') }));
`;

const IMPORT = `
import { flocash } from 'vpos';
console.log(flocash.status('4').status);
`;

test('npm pack installs into an empty folder and works there', { timeout: 120_000 }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vpos-pack-'));
  try {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], root))[0];
    const files = packed.files.map((f) => f.path);
    for (const needed of ['index.js', 'index.mjs', 'index.d.ts', 'native.js', 'vpos.linux-x64-gnu.node', 'lib/driver.js', 'README.md', 'package.json']) {
      assert.ok(files.includes(needed), `${needed} missing from the tarball: ${files}`);
    }
    for (const f of files) assert.doesNotMatch(f, /^(src|test|examples|bench|node_modules)\//, `${f} should not ship`);

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
    assert.ok(result.where.startsWith(path.join(app, 'node_modules', 'vpos')), result.where);
    assert.equal(run('use.mjs'), 'pending');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
