'use strict';
// Small argument conversions shared by the gateway modules.

const { encode } = require('./json.js');
const { bodyBytes } = require('./bytes.js');

/** A reply the host got (`{ status, body }` or `{ error }`) as JSON; a bytes body becomes UTF-8 text. */
function replyJson(reply) {
  if (reply && ArrayBuffer.isView(reply.body)) {
    reply = { ...reply, body: bodyBytes(reply.body).toString('utf8') };
  }
  return encode(reply, 'reply');
}

/** `{ code, field, message }` from a VposError or a plain object of that shape. */
function errorJson(error) {
  const e = error || {};
  return encode({ code: e.code, field: e.field ?? null, message: typeof e.message === 'string' ? e.message : '' }, 'error');
}

module.exports = { replyJson, errorJson };
