'use strict';
// Raw request bodies. vpos needs the bytes exactly as they arrived (see README: express.raw()).

const { vposError } = require('./errors.js');

/**
 * The body as a Buffer (no copy for a Buffer or Uint8Array). `undefined`/`null` is empty;
 * an object means a body parser decoded the request first, which loses what the post-back
 * must echo: refused with `field_invalid` on `body`.
 * @param {unknown} body
 * @returns {Buffer}
 */
function bodyBytes(body) {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw vposError(
    'field_invalid',
    'body',
    'body must be the raw bytes (Buffer or Uint8Array) or a string; an object means a body parser ' +
      'already decoded it: mount express.raw() on the notification route',
  );
}

module.exports = { bodyBytes };
