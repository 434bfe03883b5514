// The edge module's JS glue (`hostedpay-web/edge`): what needs a Promise or `fetch`, over the
// wasm exports. scripts/package.mjs ships it beside each edge build (as an ES module for the
// web build, CommonJS for the node build) and the entry file re-exports the wasm module with
// these added: `handleNotification`, `operate`, `statusQuery`, `fetchPostback`, `DEFAULT_TIMEOUT_MS`,
// `isVposError`, and a `transition` that takes every verified handle (the driver's and the
// gateway classes'). It also gives the gateway classes the Node package's async verbs
// (`handleNotification`, Redsys `operate`, Elavon `remote`, Bitpay `createInvoice`), their
// `transition`, each namespace its `DEFAULT_TIMEOUT_MS`, and caches what the handles' getters
// convert (read once per handle, as in Node).
//
// The same algorithm as the Node package's lib/driver.js; tests/js/api.shared.mjs holds both
// to the same answers. Every decision is the core's (through the wasm exports).

/* eslint-disable no-unused-vars */
const DEFAULT_TIMEOUT_MS = 10_000;

function extend(core) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  const vposError = (code, field, message) => {
    const e = new Error(message);
    e.name = 'VposError';
    e.code = code;
    e.field = field;
    return e;
  };
  const isVposError = (e) => e instanceof Error && e.name === 'VposError' && typeof e.code === 'string';

  /** The body as bytes; an object means a body parser decoded it first: the host's mistake. */
  function bytes(body) {
    if (body === undefined || body === null) return new Uint8Array(0);
    if (typeof body === 'string') return encoder.encode(body);
    if (body instanceof Uint8Array) return body;
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    throw vposError('field_invalid', 'body', 'body must be the raw bytes (Uint8Array, ArrayBuffer) or a string, never a parsed object');
  }

  /** One header from a fetch `Headers`, pairs, or a plain object. */
  function header(headers, name) {
    if (!headers) return '';
    let value;
    if (typeof headers.get === 'function') {
      value = headers.get(name);
    } else if (Array.isArray(headers)) {
      const pair = headers.find((p) => Array.isArray(p) && String(p[0]).toLowerCase() === name);
      value = pair && pair[1];
    } else {
      const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
      value = key === undefined ? undefined : headers[key];
    }
    if (Array.isArray(value)) value = value[0];
    return typeof value === 'string' ? value : '';
  }

  /** The default: the global `fetch`, redirects not followed. */
  async function fetchPostback(request, { signal } = {}) {
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
      redirect: 'manual',
      signal,
    });
    return { status: res.status, body: await res.text() };
  }

  function describe(err) {
    if (!(err instanceof Error)) return `request failed: ${String(err).slice(0, 80)}`;
    const cause = err.cause && (err.cause.code || err.cause.message);
    return cause ? `${err.message} (${cause})` : err.message;
  }

  async function toReply(answer) {
    if (answer && typeof answer.text === 'function' && typeof answer.status === 'number') {
      return { status: answer.status, body: await answer.text() };
    }
    if (answer && Number.isInteger(answer.status)) {
      const body = answer.body ?? '';
      if (typeof body === 'string') return { status: answer.status, body };
      if (ArrayBuffer.isView(body) || body instanceof ArrayBuffer) return { status: answer.status, body: decoder.decode(body) };
    }
    throw new Error('the fetch function must resolve to { status, body } or a Response');
  }

  /** `fetch(request)` under a deadline; never throws: no answer is `{ error }` for the core. */
  async function perform(fetchFn, request, timeoutMs) {
    const controller = new AbortController();
    let timer;
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error(`request timed out after ${timeoutMs} ms`);
        controller.abort(err);
        reject(err);
      }, timeoutMs);
    });
    try {
      return await Promise.race([
        Promise.resolve()
          .then(() => fetchFn(request, { signal: controller.signal }))
          .then(toReply),
        deadline,
      ]);
    } catch (err) {
      return { error: describe(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  function checkIo(fetchFn, timeoutMs) {
    if (typeof fetchFn !== 'function') throw new TypeError('fetch must be a function');
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new TypeError('timeoutMs must be a positive number');
  }

  // A module built for one gateway (`hostedpay-web/edge/<gateway>`) has that namespace only.
  const GATEWAYS = ['flocash', 'redsys', 'ceca', 'elavon', 'paypal', 'bitpay'].filter((ns) => core[ns]);
  // The gateway classes whose handles may move a payment: each has a hidden `__transition`,
  // called only once `instanceof` proved the handle is the module's own.
  const VERIFIED = GATEWAYS.flatMap((ns) =>
    ['VerifiedNotification', 'VerifiedEvent', 'PolledEvent'].map((name) => core[ns]?.[name]).filter(Boolean),
  );

  // A live handle the module made: an `Object.create(Class.prototype)` look-alike passes
  // `instanceof` but holds no pointer of its own, and a freed handle holds 0.
  const live = (v) => v !== null && typeof v === 'object' && Object.hasOwn(v, '__wbg_ptr') && v.__wbg_ptr !== 0;

  /** What a verified handle does to the stored payment: a plain outcome. */
  function transition(payment, verified) {
    if (live(verified)) {
      if (verified instanceof core.VerifiedNotification) return core.transitionVerified(payment, verified);
      if (verified instanceof core.OperationReply) return core.transitionReply(payment, verified);
      if (verified instanceof core.StatusEvent) return core.transitionStatusEvent(payment, verified);
      if (VERIFIED.some((Class) => verified instanceof Class)) return verified.__transition(payment);
    }
    throw vposError('field_invalid', 'verified', 'verified must be a verified notification handle vpos returned, not a look-alike');
  }

  /** The one notification path, every gateway (see the README). */
  function handleNotification(config, request, options = {}) {
    return notificationPath(config, request, options ?? {}, null);
  }

  // `auth` (PayPal REST's post-back, `paypalRest.TokenCache`): `config()` gives the account's
  // configuration with the cached OAuth token, `renew()` one with a new token after a 401.
  async function notificationPath(config, request, options, auth) {
    if (!(config instanceof core.Config)) throw new TypeError('config must be a vpos Config (new Config({ gateway, ... }))');
    if (!request || typeof request !== 'object') throw new TypeError('handleNotification needs a request object');
    const { payment, onReceived, timeoutMs = DEFAULT_TIMEOUT_MS } = options ?? {};
    const fetchFn = options.fetch ?? options.postback ?? fetchPostback;
    checkIo(fetchFn, timeoutMs);
    if (payment === undefined) throw new TypeError('payment is required: the stored snapshot or a function returning it');

    const rawBody = bytes(request.body);
    const contentType = typeof request.contentType === 'string' ? request.contentType : header(request.headers, 'content-type');
    const gateway = config.gateway;
    let known = null;
    const result = (a, fields) => {
      const out = {
        status: a.response.status,
        headers: a.response.headers,
        body: a.response.body,
        verdict: a.verdict,
        outcome: null,
        error: a.error ?? null,
        event: null,
        summary: known ? known.summary : null,
        paymentFields: a.paymentFields,
        rawBody,
        ...fields,
      };
      const handle = known;
      Object.defineProperty(out, 'notification', { enumerable: true, get: () => (handle ? handle.notification : null) });
      return out;
    };
    const refuse = (err, fields) => {
      if (!isVposError(err)) throw err;
      return result(core.reject(gateway, err), fields);
    };

    if (rawBody.length > core.maxBodyBytes(gateway)) return result(core.rejectUnread(gateway));
    const token = typeof request.token === 'string' ? request.token : undefined;
    try {
      config.checkToken(token);
    } catch (err) {
      return refuse(err);
    }
    if (onReceived) await onReceived({ body: rawBody, headers: request.headers, contentType });

    let unverified;
    try {
      unverified = core.parseNotification(config, { contentType, body: rawBody, query: request.query, token,
        headers: request.headers, nowUnix: request.nowUnix });
    } catch (err) {
      return refuse(err);
    }
    known = unverified;
    const proveWith = async (c) => {
      const proof = core.prove(c, unverified);
      if (proof.verified) return proof.verified;
      const reply = await perform(fetchFn, proof.request, timeoutMs);
      return proof.pending.finish(c, reply);
    };
    let verified;
    try {
      if (auth) config = await auth.config();
      verified = await proveWith(config);
    } catch (err) {
      if (!(auth && isVposError(err) && core.paypalRest.isTokenRejected(err))) return refuse(err);
      // PayPal's 401 on the post-back: the cached token expired or was revoked. Once more.
      try {
        config = await auth.renew();
        verified = await proveWith(config);
      } catch (again) {
        return refuse(again);
      }
    }
    known = verified;
    const event = verified.event;
    let snapshot;
    try {
      snapshot = typeof payment === 'function' ? await payment(event, verified) : payment;
    } catch (err) {
      if (isVposError(err) && err.code === 'payment_not_found') return refuse(err, { event });
      throw err;
    }
    if (snapshot === null || snapshot === undefined) return result(core.paymentNotFound(gateway, event.order_id), { event });
    const outcome = core.transitionVerified(snapshot, verified);
    let a;
    try {
      a = core.acknowledge(config, verified, outcome);
    } catch (err) {
      return refuse(err, { outcome, event });
    }
    return result(a, { outcome, event });
  }

  /** `operationRequest` → `fetch` (deadline; no answer is `gateway_unavailable`) → `parseOperationReply`. */
  async function operate(config, operation, { fetch: fetchFn = fetchPostback, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    checkIo(fetchFn, timeoutMs);
    const request = core.operationRequest(config, operation);
    return core.parseOperationReply(config, operation, await perform(fetchFn, request, timeoutMs));
  }

  /** `statusQueryRequest` → `fetch` (deadline; no answer is `gateway_unavailable`) → `parseStatusReply`. */
  async function statusQuery(config, query, { fetch: fetchFn = fetchPostback, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    checkIo(fetchFn, timeoutMs);
    const request = core.statusQueryRequest(config, query);
    return core.parseStatusReply(config, query, await perform(fetchFn, request, timeoutMs));
  }

  // ── The gateway classes: the Node package's names and shapes ──────────────────────────

  /** Each getter of `Class` named in `names` converts once per handle (as Node's do). */
  function cacheGetters(Class, names) {
    for (const name of names) {
      const d = Object.getOwnPropertyDescriptor(Class.prototype, name);
      if (!d || !d.get) continue;
      const cache = new WeakMap();
      Object.defineProperty(Class.prototype, name, {
        ...d,
        get() {
          if (!cache.has(this)) cache.set(this, d.get.call(this));
          return cache.get(this);
        },
      });
    }
  }

  /** `gateway.handleNotification(input)`: the driver's one path with the gateway's `config`. */
  function handleGatewayNotification(input) {
    if (!input || typeof input !== 'object') return Promise.reject(new TypeError('handleNotification needs an input object'));
    const { body, headers, contentType, query, token, ...options } = input;
    return handleNotification(this.config, { body, headers, contentType, query, token }, options);
  }

  /** `request(...args)` → fetch (deadline; no answer is `{ error }`) → `read(...args, reply)`. */
  function fetched(request, read) {
    return async function (...args) {
      const options = args.length > request.length ? args.pop() ?? {} : {};
      const { fetch: fetchFn = fetchPostback, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
      checkIo(fetchFn, timeoutMs);
      const reply = await perform(fetchFn, request.apply(this, args), timeoutMs);
      return read.call(this, ...args, reply);
    };
  }

  for (const ns of GATEWAYS) {
    const space = core[ns];
    const Gateway = space.Gateway;
    Object.defineProperty(Gateway.prototype, 'transition', {
      value: (payment, verified) => transition(payment, verified), writable: true, configurable: true,
    });
    Object.defineProperty(Gateway.prototype, 'handleNotification', { value: handleGatewayNotification, writable: true, configurable: true });
    cacheGetters(Gateway, ['config']);
    for (const name of ['UnverifiedNotification', 'VerifiedNotification', 'VerifiedEvent', 'PolledEvent']) {
      if (space[name]) cacheGetters(space[name], ['untrusted', 'notification', 'parameters', 'event']);
    }
    if (ns !== 'ceca') space.DEFAULT_TIMEOUT_MS = DEFAULT_TIMEOUT_MS;
  }
  const verb = (Class, name, fn) => Object.defineProperty(Class.prototype, name, { value: fn, writable: true, configurable: true });
  if (core.redsys) verb(core.redsys.Gateway, 'operate', fetched(
    function (operation) { return this.operationRequest(operation); },
    function (operation, reply) { return this.parseOperationResponse(reply); },
  ));
  if (core.elavon) verb(core.elavon.Gateway, 'remote', fetched(
    function (operation) { return this.remoteRequest(operation); },
    function (operation, reply) { return this.parseRemoteResponse(operation, reply); },
  ));
  if (core.bitpay) verb(core.bitpay.Gateway, 'createInvoice', fetched(
    function (request) { return this.invoiceRequest(request); },
    function (request, reply) { return this.invoiceResponse(reply); },
  ));

  // ── PayPal REST's OAuth token: the Node package's paypalRest.TokenCache, the same source
  // (bindings-node/lib/token_cache.js, inlined above this glue by scripts/package.mjs).
  const rest = core.paypalRest;
  if (rest) {
    const driver = { operate, statusQuery, checkout: core.checkout, parseCheckoutReply: core.parseCheckoutReply, notificationPath };
    rest.TokenCache = tokenCacheClass(rest, driver, { perform, fetchPostback, DEFAULT_TIMEOUT_MS, isVposError });
    rest.tokenCache = new rest.TokenCache();
    rest.TOKEN_MARGIN_SECONDS = TOKEN_MARGIN_SECONDS;
  }

  return { transition, handleNotification, operate, statusQuery, fetchPostback, isVposError, DEFAULT_TIMEOUT_MS };
}
