'use strict';
// PayPal REST's OAuth token cache, written once for both JS hosts: the Node package
// (lib/paypal_rest.js) requires it, and the wasm edge module's glue carries its text
// (hostedpay-web's scripts/package.mjs inlines this file up to the export line below). One
// entry per REST app (API base + client id), used until `expires_in` minus a margin, shared by
// concurrent callers (one request in flight per app), dropped and fetched again once when
// PayPal answers 401. The token stays native: the cache holds an opaque handle and hands out
// driver `Config`s carrying it. Every decision is the core's; this only caches.

/** Seconds before `expires_in` at which a cached token is no longer used (Django's `TOKEN_MARGIN`). */
const TOKEN_MARGIN_SECONDS = 300;

/**
 * The TokenCache class over one host's parts: `rest` (`tokenRequest`, `parseTokenReply`,
 * `configWithToken`, `isTokenRejected`), `driver` (`operate`, `statusQuery`, `checkout`,
 * `parseCheckoutReply`, `notificationPath`) and `io` (`perform`, `fetchPostback`,
 * `DEFAULT_TIMEOUT_MS`, `isVposError`).
 */
function tokenCacheClass(rest, driver, io) {
  /** The cache key of a `paypal_rest` Config: its API base and client id (both public). */
  const keyOf = (config) => {
    const p = config.public();
    if (p.gateway !== 'paypal_rest') throw new TypeError('config must be a paypal_rest Config');
    return `${p.api_base}\n${p.client_id}`;
  };

  return class TokenCache {
    #fetch;
    #timeoutMs;
    #margin;
    #now;
    #entries = new Map(); // key -> { token, deadline }
    #inflight = new Map(); // key -> Promise<entry>

    /**
     * @param {{ fetch?: Function, timeoutMs?: number, marginSeconds?: number, now?: () => number }} [options]
     *   `fetch` sends the token request (default: the global fetch), `now` is a monotonic clock
     *   in milliseconds (default `performance.now`).
     */
    constructor({ fetch = io.fetchPostback, timeoutMs = io.DEFAULT_TIMEOUT_MS, marginSeconds = TOKEN_MARGIN_SECONDS, now = () => performance.now() } = {}) {
      if (typeof fetch !== 'function') throw new TypeError('fetch must be a function');
      if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new TypeError('timeoutMs must be a positive number');
      if (!(Number.isInteger(marginSeconds) && marginSeconds >= 0)) throw new TypeError('marginSeconds must be a non-negative integer');
      if (typeof now !== 'function') throw new TypeError('now must be a function');
      this.#fetch = fetch;
      this.#timeoutMs = timeoutMs;
      this.#margin = marginSeconds;
      this.#now = now;
    }

    /** The cached entry for `config`'s app while it is fresh, else one new token request (shared). */
    #entry(config) {
      const key = keyOf(config);
      const cached = this.#entries.get(key);
      if (cached !== undefined && this.#now() < cached.deadline) return Promise.resolve(cached);
      let pending = this.#inflight.get(key);
      if (pending === undefined) {
        pending = (async () => {
          const reply = await io.perform(this.#fetch, rest.tokenRequest(config), this.#timeoutMs);
          const token = rest.parseTokenReply(reply); // throws the core's error; nothing is cached then
          const live = Math.max(0, token.expiresIn - this.#margin);
          const entry = { token, deadline: this.#now() + live * 1000 };
          this.#entries.set(key, entry);
          return entry;
        })().finally(() => {
          if (this.#inflight.get(key) === pending) this.#inflight.delete(key);
        });
        this.#inflight.set(key, pending);
      }
      return pending;
    }

    /** `config` with the app's cached OAuth token (fetched when missing or about to expire). */
    async config(config) {
      return rest.configWithToken(config, (await this.#entry(config)).token);
    }

    /** Drops `config`'s cached token (`entry`: only if it is still that one). */
    forget(config, entry) {
      const key = keyOf(config);
      if (entry === undefined || this.#entries.get(key) === entry) this.#entries.delete(key);
    }

    /**
     * `fn(configWithToken)`; when it throws PayPal's 401 (`isTokenRejected`), the token is
     * dropped and `fn` called once more with a new one (a second 401 is thrown).
     */
    async call(config, fn) {
      const first = await this.#entry(config);
      try {
        return await fn(rest.configWithToken(config, first.token));
      } catch (err) {
        if (!(io.isVposError(err) && rest.isTokenRejected(err))) throw err;
        this.forget(config, first);
        return fn(rest.configWithToken(config, (await this.#entry(config)).token));
      }
    }

    /** `operate` with the cached token (an operation resent after a 401 keeps its idempotency key). */
    operate(config, operation, options) {
      return this.call(config, (c) => driver.operate(c, operation, options));
    }

    /** `statusQuery` with the cached token. */
    statusQuery(config, query, options) {
      return this.call(config, (c) => driver.statusQuery(c, query, options));
    }

    /**
     * The checkout (PayPal creates the order): `{ form, reference }`, `form` the GET to the
     * approve link and `reference` PayPal's order id (store it: the return and the webhooks name it).
     */
    checkout(config, order, { fetch = io.fetchPostback, timeoutMs = io.DEFAULT_TIMEOUT_MS } = {}) {
      return this.call(config, async (c) => {
        const step = driver.checkout(c, order);
        if (step.form) return step;
        return driver.parseCheckoutReply(c, await io.perform(fetch, step.request, timeoutMs));
      });
    }

    /**
     * `handleNotification` with the webhook proven by post-back to PayPal's
     * verify-webhook-signature, which needs the token (a 401 renews it once; no token is the
     * core's refusal, answered so that PayPal delivers again). Without this cache, the driver's
     * `handleNotification` with `nowUnix` verifies offline with the certificate.
     */
    handleNotification(config, request, options) {
      let used;
      return driver.notificationPath(config, request, options ?? {}, {
        config: async () => {
          used = await this.#entry(config);
          return rest.configWithToken(config, used.token);
        },
        renew: async () => {
          this.forget(config, used);
          used = await this.#entry(config);
          return rest.configWithToken(config, used.token);
        },
      });
    }
  };
}
// The wasm glue takes this file's text up to here.
module.exports = { tokenCacheClass, TOKEN_MARGIN_SECONDS };
