'use strict';
// PayPal REST (Orders v2, webhooks; driver gateway `paypal_rest`): the host's part, the OAuth
// token. The core builds the token request and reads its reply (native); this module sends it
// and caches the token per process (lib/token_cache.js, shared with the wasm edge module), as
// hostedpay.django does (docs/paypal-orders.md).

const native = require('../native.js');
const { isVposError } = require('./errors.js');
const { errorJson, replyJson } = require('./wire.js');
const { fetchPostback, perform, DEFAULT_TIMEOUT_MS } = require('./postback.js');
const driver = require('./driver.js');
const { tokenCacheClass, TOKEN_MARGIN_SECONDS } = require('./token_cache.js');

/** The OAuth token request for a `paypal_rest` Config: `{ method, url, headers, body }` (the headers hold the secret). */
function tokenRequest(config) {
  return JSON.parse(native.paypalRestTokenRequest(driver.nativeConfig(config)));
}

/** Reads the reply to `tokenRequest` (`{ status, body }` or `{ error }`): an opaque token handle with `expiresIn`. */
function parseTokenReply(reply) {
  return native.paypalRestParseTokenReply(replyJson(reply));
}

/** `config` with `token` (from `parseTokenReply`) as its `access_token`: a new Config. */
function configWithToken(config, token) {
  return driver.configOfNative(native.paypalRestConfigWithToken(driver.nativeConfig(config), token));
}

/** Whether `error` (a VposError or `{ code, field }`) is PayPal's 401: fetch a new token, ask once more. */
function isTokenRejected(error) {
  if (!error || typeof error.code !== 'string') return false;
  try {
    return native.paypalRestIsTokenRejected(errorJson(error));
  } catch {
    return false; // not one of the core's codes: not the core's 401
  }
}

/** Tokens by REST app, reused until they are about to expire (lib/token_cache.js). */
const TokenCache = tokenCacheClass(
  { tokenRequest, parseTokenReply, configWithToken, isTokenRejected },
  driver,
  { perform, fetchPostback, DEFAULT_TIMEOUT_MS, isVposError },
);

/** The process's token cache (the global fetch, the default margin). */
const tokenCache = new TokenCache();

module.exports = {
  TokenCache,
  tokenCache,
  tokenRequest,
  parseTokenReply,
  configWithToken,
  isTokenRejected,
  TOKEN_MARGIN_SECONDS,
  AccessToken: native.PaypalRestAccessToken,
};
