// vpos from Node next to npm redsys-easy 5.3.2: Redsys verify (the real MN000049 notification)
// and sign (a 14-field checkout), interleaved batches, medians, wall and CPU time.
//
// Run by `make bench-peers`: node node_peers.js OUT.json BENCH_NODE_DIR VPOS_PACKAGE_DIR
// (redsys-easy is installed in BENCH_NODE_DIR/node_modules; vpos is the built addon's package).
// Before timing, both must accept MN000049 and reject a tampered copy, or this exits 1. Only the
// documented API of the package is used (README.md, index.d.ts): redsys.Gateway, checkout,
// parseNotification, verify.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const [out, benchDir, vposDir] = process.argv.slice(2);
const peerRequire = createRequire(path.join(path.resolve(benchDir), 'package.json'));
const { createRedsysAPI, SANDBOX_URLS } = peerRequire('redsys-easy');
const { redsys } = require(path.resolve(vposDir));

const DATA = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'redsys_mn000049.json'), 'utf8'));
const FORM_CT = 'application/x-www-form-urlencoded';
const interleave = require('./interleave.js');

// --- the two implementations -----------------------------------------------------------------

const gateway = new redsys.Gateway(DATA.config);
const peer = createRedsysAPI({ secretKey: DATA.secret_key, urls: SANDBOX_URLS });
const body = Buffer.from(DATA.body);

function tampered() {
  const params = JSON.parse(Buffer.from(DATA.fields.Ds_MerchantParameters, 'base64').toString());
  params.Ds_Amount = String(Number(params.Ds_Amount) + 1);
  const fields = { ...DATA.fields, Ds_MerchantParameters: Buffer.from(JSON.stringify(params)).toString('base64') };
  return { fields, body: Buffer.from(new URLSearchParams(fields).toString()) };
}
const TAMPERED = tampered();

const vposVerify = (b = body) => gateway.verify(gateway.parseNotification(FORM_CT, b)).notification;
// The peer gets the form already parsed (the web framework's work), vpos the raw body.
const peerVerify = (fields = DATA.fields) => peer.processRedirectNotification(fields);

const signGateway = new redsys.Gateway({ ...DATA.config, merchant_code: '999008881' });
const ORDER = {
  order: '0726qI3H7sZx',
  amount: { minor: 4999n, currency: 'EUR' },
  merchant_url: 'http://www.prueba.com/urlNotificacion.php',
  url_ok: 'http://www.prueba.com/urlOK.php',
  url_ko: 'http://www.prueba.com/urlKO.php',
  product_description: 'Call credit 49.99 EUR',
  titular: 'Joan Njiru',
  merchant_data: 'C0000001',
  consumer_language: '002',
  pay_methods: 'C',
};
const PEER_ORDER = {
  DS_MERCHANT_AMOUNT: '4999',
  DS_MERCHANT_ORDER: '0726qI3H7sZx',
  DS_MERCHANT_MERCHANTCODE: '999008881',
  DS_MERCHANT_CURRENCY: '978',
  DS_MERCHANT_TRANSACTIONTYPE: '0',
  DS_MERCHANT_TERMINAL: '1',
  DS_MERCHANT_MERCHANTURL: 'http://www.prueba.com/urlNotificacion.php',
  DS_MERCHANT_URLOK: 'http://www.prueba.com/urlOK.php',
  DS_MERCHANT_URLKO: 'http://www.prueba.com/urlKO.php',
  DS_MERCHANT_PRODUCTDESCRIPTION: 'Call credit 49.99 EUR',
  DS_MERCHANT_TITULAR: 'Joan Njiru',
  DS_MERCHANT_MERCHANTDATA: 'C0000001',
  DS_MERCHANT_CONSUMERLANGUAGE: '2',
  DS_MERCHANT_PAYMETHODS: 'C',
};
const vposSign = () => signGateway.checkout(ORDER).fields;
const peerSign = () => peer.createRedirectForm(PEER_ORDER);

// --- acceptance first --------------------------------------------------------------------------

function mustThrow(fn, what) {
  try {
    fn();
  } catch {
    return;
  }
  throw new Error(`${what} accepted the tampered notification`);
}

function check() {
  const ours = vposVerify();
  if (ours.order !== 'MN000049' || ours.response !== '0000') throw new Error('vpos: MN000049 not accepted');
  const theirs = peerVerify();
  if (theirs.Ds_Order !== 'MN000049') throw new Error('redsys-easy: MN000049 not accepted');
  mustThrow(() => vposVerify(TAMPERED.body), 'vpos');
  mustThrow(() => peerVerify(TAMPERED.fields), 'redsys-easy');
  const fields = Object.fromEntries(vposSign());
  const form = peerSign();
  for (const [who, f] of [['vpos', fields], ['redsys-easy', form.body ?? form]]) {
    const params = JSON.parse(Buffer.from(f.Ds_MerchantParameters, 'base64').toString());
    if (Object.keys(params).length !== 14) throw new Error(`${who}: the sign bench is not a 14-field checkout`);
  }
  const peerParams = (form.body ?? form).Ds_MerchantParameters;
  if (signGateway.sign(ORDER.order, peerParams) !== (form.body ?? form).Ds_Signature) {
    throw new Error("redsys-easy's signature differs from the one vpos computes");
  }
}

// --- timing (bench/peers/interleave.js: A B A B batches, medians) --------------------------------

/** vpos and the peer interleaved: medians in seconds per call, `ratio` the rounds' peer / vpos. */
function interleaved(vpos, other) {
  const t = interleave.interleaved(vpos, other);
  return { vpos: t.a, vpos_cpu: t.a_cpu, peer: t.b, peer_cpu: t.b_cpu, ratio: t.ratio };
}

function row(name, t, peerImpl, atLeast) {
  const us = (x) => Math.round(x * 1e9) / 1e3;
  const ratio = t.ratio;
  return {
    name,
    vpos: us(t.vpos),
    peer: us(t.peer),
    ratio: Math.round(ratio * 1000) / 1000,
    target: `>= ${atLeast}x`,
    met: ratio >= atLeast,
    unit: 'us',
    vpos_cpu: us(t.vpos_cpu),
    peer_cpu: us(t.peer_cpu),
    ratio_cpu: Math.round((t.peer_cpu / t.vpos_cpu) * 1000) / 1000,
    peer_impl: peerImpl,
    rounds: interleave.ROUNDS,
    load_average: require('node:os').loadavg()[0],
  };
}

function main() {
  try {
    check();
  } catch (e) {
    console.error(`bench-peers: FAILED before timing: ${e.message}`);
    process.exit(1);
  }
  console.log('bench-peers (node): vpos and redsys-easy accept MN000049 and reject the tampered copy');
  const rows = [
    row('node: redsys verify', interleaved(() => vposVerify(), () => peerVerify()),
      'redsys-easy 5.3.2 processRedirectNotification', 2.5),
    row('node: redsys sign (14-field checkout)', interleaved(vposSign, peerSign),
      'redsys-easy 5.3.2 createRedirectForm', 2),
  ];
  for (const r of rows) {
    console.log(`${r.name}: vpos ${r.vpos.toFixed(2)} µs, ${r.peer_impl} ${r.peer.toFixed(2)} µs, ` +
      `ratio ${r.ratio.toFixed(2)}x [cpu ${r.vpos_cpu.toFixed(2)} / ${r.peer_cpu.toFixed(2)} µs] ` +
      `(target ${r.target}): ${r.met ? 'met' : 'NOT met'}`);
  }
  if (out) fs.writeFileSync(out, JSON.stringify(rows, null, 2) + '\n');
}

main();
