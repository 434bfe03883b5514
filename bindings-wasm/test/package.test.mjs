// The package as a user installs it: `npm pack` of pkg/, installed into an empty project,
// then required and imported by name, so the exports map and both builds are what ship.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pkgPath } from './support.mjs';

let project;

before(() => {
  project = mkdtempSync(join(tmpdir(), 'hostedpay-web-pkg-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', project, pkgPath('')],
    { encoding: 'utf8' }).trim().split('\n').at(-1);
  writeFileSync(join(project, 'package.json'), '{ "name": "shop", "private": true }\n');
  execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', '--offline', join(project, tarball)],
    { cwd: project });
});

after(() => project && rmSync(project, { recursive: true, force: true }));

const node = (args, code) => execFileSync(process.execPath, [...args, code], { cwd: project, encoding: 'utf8' }).trim();
const probe = `money.parse('1.5', 'KWD').minor + ' ' + typeof flocash.checkoutPublic`;

test('require("hostedpay-web") is the CommonJS build, ready at once', () => {
  assert.equal(node(['-e'], `const { money, flocash } = require('hostedpay-web'); console.log(${probe})`), '1500 function');
});

test('import from "hostedpay-web" in Node works with named exports', () => {
  assert.equal(node(['--input-type=module', '-e'], `import { money, flocash } from 'hostedpay-web'; console.log(${probe})`), '1500 function');
});

test('"hostedpay-web/web" is the ES module, initialised with the wasm bytes as an edge runtime does', () => {
  const code = `import { readFileSync } from 'node:fs';
    import { createRequire } from 'node:module';
    import { initSync, money, flocash } from 'hostedpay-web/web';
    const wasm = createRequire(import.meta.url).resolve('hostedpay-web/vpos_web_bg.wasm');
    initSync({ module: readFileSync(wasm) });
    console.log(${probe});`;
  assert.equal(node(['--input-type=module', '-e'], code), '1500 function');
});

const edgeProbe = `redsys.status('0', '0').status + ' ' + flavour() + ' ' + typeof handleNotification`;

test('require("hostedpay-web/edge") is the CommonJS edge build, with every gateway', () => {
  assert.equal(node(['-e'], `const { redsys, flavour, handleNotification } = require('hostedpay-web/edge'); console.log(${edgeProbe})`), 'succeeded edge function');
});

test('import from "hostedpay-web/edge" in Node works with named exports', () => {
  assert.equal(node(['--input-type=module', '-e'], `import { redsys, flavour, handleNotification } from 'hostedpay-web/edge'; console.log(${edgeProbe})`), 'succeeded edge function');
});

test('"hostedpay-web/edge/web" is the edge ES module, initialised with its wasm bytes as an edge runtime does', () => {
  const code = `import { readFileSync } from 'node:fs';
    import { createRequire } from 'node:module';
    import { initSync, redsys, flavour, handleNotification } from 'hostedpay-web/edge/web';
    const wasm = createRequire(import.meta.url).resolve('hostedpay-web/vpos_web_edge_bg.wasm');
    initSync({ module: readFileSync(wasm) });
    console.log(${edgeProbe});`;
  assert.equal(node(['--input-type=module', '-e'], code), 'succeeded edge function');
});

test('require("hostedpay-web/edge/redsys") and import "hostedpay-web/edge/bitpay": one gateway each, the same API', () => {
  const probe = (ns) => `typeof ${ns}.Gateway + ' ' + flavour() + ' ' + typeof handleNotification + ' ' + typeof flocash`;
  assert.equal(node(['-e'], `const { redsys, flocash, flavour, handleNotification } = require('hostedpay-web/edge/redsys'); console.log(${probe('redsys')})`),
    'function edge function undefined');
  // ESM: a name the module lacks is no export at all (importing it by name is a SyntaxError).
  assert.equal(node(['--input-type=module', '-e'], `import * as edge from 'hostedpay-web/edge/bitpay';
    const { bitpay, flocash, flavour, handleNotification } = edge; console.log(${probe('bitpay')})`),
    'function edge function undefined');
});

test('"hostedpay-web/edge/paypal_rest/web" is that module\'s ES module, initialised with its own wasm bytes', () => {
  const code = `import { readFileSync } from 'node:fs';
    import { createRequire } from 'node:module';
    import { initSync, Config, flavour } from 'hostedpay-web/edge/paypal_rest/web';
    const wasm = createRequire(import.meta.url).resolve('hostedpay-web/edge/paypal_rest/vpos_web_edge_bg.wasm');
    initSync({ module: readFileSync(wasm) });
    let code;
    try { new Config({ gateway: 'redsys' }); } catch (e) { code = e.code; }
    console.log(flavour() + ' ' + code);`;
  assert.equal(node(['--input-type=module', '-e'], code), 'edge gateway_not_built');
});

const EDGE_FILES = ['glue.js', 'package.json', 'vpos_web_edge.d.ts', 'vpos_web_edge.js', 'vpos_web_edge_bg.wasm',
  'vpos_web_edge_bg.wasm.d.ts', 'vpos_web_edge_core.js', 'vpos_types.d.ts'];
const GATEWAY_FILES = ['flocash', 'redsys', 'ceca', 'elavon', 'paypal', 'paypal_rest', 'bitpay']
  .flatMap((g) => ['node', 'web'].flatMap((build) => EDGE_FILES.map((f) => `edge/${g}/${build}/${f}`)));

test('the package ships the README, both builds of every module and their types, nothing else', () => {
  const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', pkgPath('')], { encoding: 'utf8' }))[0];
  const files = listing.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'README.md',
    'edge/node/glue.js', 'edge/node/package.json', 'edge/node/vpos_web_edge.d.ts', 'edge/node/vpos_web_edge.js',
    'edge/node/vpos_web_edge_bg.wasm', 'edge/node/vpos_web_edge_bg.wasm.d.ts', 'edge/node/vpos_web_edge_core.js',
    'edge/node/vpos_types.d.ts',
    'edge/web/glue.js', 'edge/web/package.json', 'edge/web/vpos_web_edge.d.ts', 'edge/web/vpos_web_edge.js',
    'edge/web/vpos_web_edge_bg.wasm', 'edge/web/vpos_web_edge_bg.wasm.d.ts', 'edge/web/vpos_web_edge_core.js',
    'edge/web/vpos_types.d.ts',
    'node/package.json', 'node/vpos_types.d.ts', 'node/vpos_web.d.ts', 'node/vpos_web.js', 'node/vpos_web_bg.wasm',
    'node/vpos_web_bg.wasm.d.ts', 'package.json', 'web/package.json', 'web/vpos_types.d.ts', 'web/vpos_web.d.ts', 'web/vpos_web.js',
    'web/vpos_web_bg.wasm', 'web/vpos_web_bg.wasm.d.ts',
    ...GATEWAY_FILES,
  ].sort());
});
