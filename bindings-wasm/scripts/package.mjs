// Derives the publishable files of `hostedpay-web` in pkg/ from what the build produced, so
// nothing is written twice: the version comes from Cargo, the JSON shapes (`ErrorCode`
// included) from the core's generated types/vpos.d.ts, the README from bindings-wasm/README.md.
import { readFileSync, writeFileSync, copyFileSync, appendFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const cargo = readFileSync(here('../Cargo.toml'), 'utf8');
const version = cargo.match(/\[workspace\.package\][^[]*?\nversion = "([^"]+)"/)?.[1];
const license = cargo.match(/\[workspace\.package\][^[]*?\nlicense = "([^"]+)"/)?.[1];
if (!version || !license) throw new Error('package.mjs: no [workspace.package] version/license in Cargo.toml');

const entry = (dir, name = 'vpos_web') => ({ types: `./${dir}/${name}.d.ts`, default: `./${dir}/${name}.js` });
const edge = (dir) => entry(`edge/${dir}`, 'vpos_web_edge');
// One edge module per gateway (scripts/build.sh): pkg/edge/<gateway>/{web,node}, same API,
// that gateway's namespace and the driver only. The all-gateways module stays at pkg/edge.
export const EDGE_GATEWAYS = ['flocash', 'redsys', 'ceca', 'elavon', 'paypal', 'paypal_rest', 'bitpay'];
const perGateway = Object.fromEntries(EDGE_GATEWAYS.flatMap((g) => {
  const at = (dir) => edge(`${g}/${dir}`);
  return [
    [`./edge/${g}`, { deno: at('web'), browser: at('web'), node: at('node'), ...at('web') }],
    [`./edge/${g}/web`, at('web')],
    [`./edge/${g}/node`, at('node')],
    [`./edge/${g}/vpos_web_edge_bg.wasm`, `./edge/${g}/web/vpos_web_edge_bg.wasm`],
  ];
}));
const pkg = {
  name: 'hostedpay-web',
  version,
  description: 'vpos in the browser and at the edge: payment-gateway forms, notifications and transitions from the Rust core, as WebAssembly.',
  license,
  keywords: ['payments', 'flocash', 'redsys', 'ceca', 'elavon', 'paypal', 'bitpay', 'wasm', 'edge'],
  // Node gets the CommonJS build (loads the module synchronously from disk); every other
  // runtime (browsers, bundlers, Deno, Workers) the ES module, initialised with
  // init()/initSync(). Deno and browser bundlers may also set `node`: they match first.
  exports: {
    '.': { deno: entry('web'), browser: entry('web'), node: entry('node'), ...entry('web') },
    './web': entry('web'),
    './node': entry('node'),
    './vpos_web_bg.wasm': './web/vpos_web_bg.wasm',
    // The edge module: every gateway, secrets included. Never for a page.
    './edge': { deno: edge('web'), browser: edge('web'), node: edge('node'), ...edge('web') },
    './edge/web': edge('web'),
    './edge/node': edge('node'),
    './vpos_web_edge_bg.wasm': './edge/web/vpos_web_edge_bg.wasm',
    // One gateway's edge module (`hostedpay-web/edge/redsys`, …): the documented way.
    ...perGateway,
    './package.json': './package.json',
  },
  main: './node/vpos_web.js',
  module: './web/vpos_web.js',
  types: './web/vpos_web.d.ts',
  files: ['web/', 'node/', 'edge/', 'README.md'],
  sideEffects: false,
};
writeFileSync(here('pkg/package.json'), JSON.stringify(pkg, null, 2) + '\n');
// The web build is an ES module and the node build CommonJS, whatever the importer assumes.
writeFileSync(here('pkg/web/package.json'), '{ "type": "module" }\n');
writeFileSync(here('pkg/node/package.json'), '{ "type": "commonjs" }\n');
const EDGE_DIRS = ['edge', ...EDGE_GATEWAYS.map((g) => `edge/${g}`)];
for (const dir of EDGE_DIRS) {
  writeFileSync(here(`pkg/${dir}/web/package.json`), '{ "type": "module" }\n');
  writeFileSync(here(`pkg/${dir}/node/package.json`), '{ "type": "commonjs" }\n');
}
copyFileSync(here('README.md'), here('pkg/README.md'));

// The core's JSON shapes, generated from its serde types (types/vpos.d.ts, `make types`), beside
// each .d.ts that imports them. `export {}`: a .d.ts without it exports every top-level
// declaration, so TypeScript would accept `import { money__parse }`, wasm-bindgen's
// undeclared helper of the `money` namespace, which is no export (test/exports.test.mjs holds
// the declared names to the runtime ones).
const generated = here('../types/vpos.d.ts');
for (const dir of ['web', 'node', ...EDGE_DIRS.flatMap((d) => [`${d}/web`, `${d}/node`])]) {
  copyFileSync(generated, here(`pkg/${dir}/vpos_types.d.ts`));
}
for (const dir of ['web', 'node']) appendFileSync(here(`pkg/${dir}/vpos_web.d.ts`), '\nexport {};\n');
for (const edgeDir of EDGE_DIRS) {
  for (const dir of ['web', 'node']) appendFileSync(here(`pkg/${edgeDir}/${dir}/vpos_web_edge.d.ts`), '\nexport {};\n');
}

// The edge module's entry = the wasm-bindgen module (renamed vpos_web_edge_core.js) plus the JS
// glue of the driver (js/edge-glue.js: handleNotification, operate, fetchPostback and a
// `transition` that takes the driver's handles), as an ES module for web and CommonJS for node.
// PayPal REST's token cache is the Node package's source (one copy): its text up to its
// CommonJS export, ahead of the glue that uses it.
const tokenCache = readFileSync(here('../bindings-node/lib/token_cache.js'), 'utf8');
const tokenCacheEnd = tokenCache.indexOf('// The wasm glue takes this file');
if (tokenCacheEnd < 0) throw new Error('bindings-node/lib/token_cache.js: the export marker moved');
const glue = tokenCache.slice(0, tokenCacheEnd).replace(/^'use strict';\n/, '')
  + readFileSync(here('js/edge-glue.js'), 'utf8');
const GLUE_NAMES = 'transition, handleNotification, operate, statusQuery, fetchPostback, isVposError, DEFAULT_TIMEOUT_MS';
// The core functions only the glue calls (skip_typescript in src/driver.rs, src/query.rs): not exports.
const GLUE_ONLY = ['transitionVerified', 'transitionReply', 'transitionStatusEvent'];
const glueNames = GLUE_NAMES.split(', ');
for (const edgeDir of EDGE_DIRS) {
const coreNames = Object.keys(createRequire(import.meta.url)(here(`pkg/${edgeDir}/node/vpos_web_edge.js`)))
  .filter((n) => !glueNames.includes(n) && !GLUE_ONLY.includes(n));
for (const dir of ['web', 'node']) {
  const at = (f) => here(`pkg/${edgeDir}/${dir}/${f}`);
  renameSync(at('vpos_web_edge.js'), at('vpos_web_edge_core.js'));
  const banner = '/* @ts-self-types="./vpos_web_edge.d.ts" */\n// hostedpay-web/edge: the wasm module (vpos_web_edge_core.js) and the driver\'s JS glue (glue.js).\n';
  if (dir === 'web') {
    writeFileSync(at('glue.js'), `${glue}\nexport { extend, DEFAULT_TIMEOUT_MS };\n`);
    writeFileSync(at('vpos_web_edge.js'), `${banner}import * as core from './vpos_web_edge_core.js';\n`
      + `import { extend } from './glue.js';\n`
      + `export { ${coreNames.join(', ')}, initSync } from './vpos_web_edge_core.js';\n`
      + `export { default } from './vpos_web_edge_core.js';\n`
      + `export const { ${GLUE_NAMES} } = extend(core);\n`);
  } else {
    writeFileSync(at('glue.js'), `'use strict';\n${glue}\nmodule.exports = { extend, DEFAULT_TIMEOUT_MS };\n`);
    // One `exports.name =` line per name, so Node's ESM import finds every named export.
    writeFileSync(at('vpos_web_edge.js'), `${banner}'use strict';\nconst core = require('./vpos_web_edge_core.js');\n`
      + `const glue = require('./glue.js').extend(core);\n`
      + coreNames.map((n) => `exports.${n} = core.${n};\n`).join('')
      + glueNames.map((n) => `exports.${n} = glue.${n};\n`).join(''));
  }
  // The namespaces' DEFAULT_TIMEOUT_MS (the glue sets it): wasm-bindgen declares each namespace
  // as one object type, so the member goes into that declaration.
  const dts = at('vpos_web_edge.d.ts');
  let declared = readFileSync(dts, 'utf8');
  // Every namespace in the all-gateways module; a per-gateway module has its own one only.
  const namespaces = ['flocash', 'redsys', 'elavon', 'paypal', 'bitpay']
    .filter((ns) => edgeDir === 'edge' || edgeDir === `edge/${ns}`);
  for (const ns of namespaces) {
    const head = `export let ${ns}: {\n`;
    if (!declared.includes(head)) throw new Error(`package.mjs: no namespace ${ns} in ${dts}`);
    declared = declared.replace(head, `${head}    /** Default deadline of the gateway's async verbs: 10 000 ms. */\n    DEFAULT_TIMEOUT_MS: number,\n`);
  }
  // The glue's PayPal REST token cache (the Node package's `paypalRest.TokenCache`), in the
  // modules that hold PayPal REST (the all-gateways one and edge/paypal_rest).
  if (edgeDir === 'edge' || edgeDir === 'edge/paypal_rest') {
    const restHead = 'export let paypalRest: {\n';
    if (!declared.includes(restHead)) throw new Error(`package.mjs: no namespace paypalRest in ${dts}`);
    declared = declared.replace(restHead, `${restHead}    /** Seconds before \`expires_in\` at which a cached token is no longer used: 300. */
    TOKEN_MARGIN_SECONDS: number,
    TokenCache: typeof paypalRest__TokenCache,
    /** The module's cache (global fetch, default margin). */
    tokenCache: paypalRest__TokenCache,
`);
    writeFileSync(dts, declared);
    appendFileSync(dts, `
/** Options of {@link paypalRest__TokenCache}: the token request's fetch and deadline, the margin, a monotonic clock in ms. */
export interface TokenCacheOptions { fetch?: FetchFunction; timeoutMs?: number; marginSeconds?: number; now?: () => number }
/**
 * PayPal REST OAuth tokens by app (API base + client id): reused until \`expires_in\` minus the
 * margin, one request in flight per app, renewed once on a 401; the token never leaves the module.
 */
declare class paypalRest__TokenCache {
  constructor(options?: TokenCacheOptions);
  /** \`config\` with the app's cached token. */
  config(config: Config): Promise<Config>;
  /** Drops \`config\`'s cached token. */
  forget(config: Config): void;
  /** \`fn(configWithToken)\`, once more with a new token after a 401. */
  call<T>(config: Config, fn: (config: Config) => T | Promise<T>): Promise<T>;
  /** {@link operate} with the cached token. */
  operate(config: Config, operation: Operation, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<OperationReply>;
  /** {@link statusQuery} with the cached token. */
  statusQuery(config: Config, query: StatusQuery, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<StatusReply>;
  /** PayPal creates the order: the GET form to its approve link and \`reference\`, PayPal's order id. */
  checkout(config: Config, order: DriverOrder, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<{ form: RedirectForm; reference?: string }>;
  /** {@link handleNotification}, the webhook proven by post-back with the cached token. */
  handleNotification(config: Config, request: NotificationRequest, options: HandleOptions): Promise<NotificationResult>;
}
`);
  } else {
    writeFileSync(dts, declared);
  }
  appendFileSync(dts, `
/** Whether \`e\` is an error vpos threw (\`name\` "VposError", a string \`code\`). */
export function isVposError(e: unknown): e is VposError;
/** A gateway class's notification flow: the request and the options of {@link handleNotification} in one object. */
export type GatewayNotificationInput = NotificationRequest & HandleOptions;
type GatewayVerified = ${verifiedUnion(declared)};
/** The verbs the JS glue gives every gateway class (as the Node package's). */
interface GatewayGlue {
  /** Same as the top-level {@link transition}. */
  transition(payment: PaymentSnapshot, verified: GatewayVerified): OutcomeJson;
  /** The whole notification flow through the driver with this gateway's \`config\` (see {@link handleNotification}). */
  handleNotification(input: GatewayNotificationInput): Promise<NotificationResult>;
}
${glueInterfaces(declared)}
`);
  appendGlueTail(dts);
}
}

/** The gateway classes' verified handles this module declares (`never` in a driver-only module). */
function verifiedUnion(declared) {
  const names = ['flocash__VerifiedNotification', 'flocash__PolledEvent', 'redsys__VerifiedNotification',
    'ceca__VerifiedNotification', 'elavon__VerifiedNotification', 'elavon__VerifiedEvent',
    'paypal__VerifiedNotification', 'paypal__VerifiedEvent', 'bitpay__VerifiedNotification']
    .filter((n) => declared.includes(`declare class ${n} `));
  return names.length ? names.join(' | ') : 'never';
}

/** The glue's verbs on each gateway class this module declares. */
function glueInterfaces(declared) {
  const has = (ns) => declared.includes(`declare class ${ns}__Gateway `);
  const GLUE = {
    flocash: 'interface flocash__Gateway extends GatewayGlue {}',
    ceca: 'interface ceca__Gateway extends GatewayGlue {}',
    paypal: 'interface paypal__Gateway extends GatewayGlue {}',
    redsys: `interface redsys__Gateway extends GatewayGlue {
  /** operationRequest → fetch (deadline; no answer is gateway_unavailable) → parseOperationResponse. */
  operate(operation: RedsysOperation, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<redsys__VerifiedNotification>;
}
`,
    elavon: `interface elavon__Gateway extends GatewayGlue {
  /** remoteRequest → fetch (deadline; no answer is gateway_unavailable) → parseRemoteResponse. */
  remote(operation: ElavonRemoteOperation, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<elavon__VerifiedEvent>;
}
`,
    bitpay: `interface bitpay__Gateway extends GatewayGlue {
  /** invoiceRequest → fetch (deadline; no answer is gateway_unavailable) → invoiceResponse. */
  createInvoice(request: BitpayInvoiceRequest, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<BitpayCreated>;
}
`,
  };
  return Object.entries(GLUE).filter(([ns]) => has(ns)).map(([, text]) => text).join('\n');
}

function appendGlueTail(dts) {
  appendFileSync(dts, `/** The one notification path, every gateway: size → token → onReceived → parse → prove → payment → transition → acknowledge. */
export function handleNotification(config: Config, request: NotificationRequest, options: HandleOptions): Promise<NotificationResult>;
/** operationRequest → fetch (deadline) → parseOperationReply. */
export function operate(config: Config, operation: Operation, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<OperationReply>;
/** statusQueryRequest → fetch (deadline) → parseStatusReply. */
export function statusQuery(config: Config, query: StatusQuery, options?: { fetch?: FetchFunction; timeoutMs?: number }): Promise<StatusReply>;
/** The default fetch of handleNotification and operate: the global fetch, redirects not followed. */
export function fetchPostback(request: HttpRequest, options?: { signal?: AbortSignal }): Promise<{ status: number; body: string }>;
/** Default deadline of a proof's or an operation's request: 10 000 ms. */
export const DEFAULT_TIMEOUT_MS: number;
/** What a verified handle (the driver's VerifiedNotification or OperationReply, a gateway class's verified notification or event) does to the stored payment: a plain outcome. */
export function transition(payment: PaymentSnapshot, verified: VerifiedNotification | OperationReply | StatusEvent | GatewayVerified): OutcomeJson;
`);
}
