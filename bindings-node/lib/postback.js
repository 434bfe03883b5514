'use strict';
// Performing the FloCash post-back: the one piece of network I/O in the notification flow.
// The core describes the request and judges the reply; this module only carries it, with a
// deadline, and turns every way of not getting an answer into `{ error }` for the core.

/** Default deadline for a post-back, in milliseconds. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The default post-back (and the default `fetch` of the REST calls and Bitpay's invoice
 * fetch): the global `fetch`. Redirects are not followed: the post-back must
 * reach `validateNotify.do` itself, and a 3xx is reported as the non-200 answer it is.
 * @param {{ method: string, url: string, headers: [string, string][], body: string }} request
 * @param {{ signal?: AbortSignal }} [options]
 * @returns {Promise<{ status: number, body: string }>}
 */
async function fetchPostback(request, { signal } = {}) {
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    // fetch refuses any body on GET/HEAD (Bitpay's invoice fetch has an empty one).
    body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
    redirect: 'manual',
    signal,
  });
  return { status: res.status, body: await res.text() };
}

/** A short, secret-free description of why no answer came. */
function describe(err) {
  if (!(err instanceof Error)) return `post-back failed: ${String(err).slice(0, 80)}`;
  const cause = err.cause && (err.cause.code || err.cause.message);
  return cause ? `${err.message} (${cause})` : err.message;
}

/** Accepts `{ status, body }` (body a string or bytes) or a fetch `Response`. */
async function toReply(answer) {
  if (answer && typeof answer.text === 'function' && typeof answer.status === 'number') {
    return { status: answer.status, body: await answer.text() };
  }
  if (answer && Number.isInteger(answer.status)) {
    const body = answer.body ?? '';
    if (typeof body === 'string') return { status: answer.status, body };
    if (ArrayBuffer.isView(body)) {
      return { status: answer.status, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') };
    }
  }
  throw new Error('the postback function must resolve to { status, body } or a Response');
}

/**
 * Runs `postback(request)` under a deadline. Never throws: a timeout, a network error or a
 * malformed answer becomes `{ error }`, which the core reads as "retry later".
 * @returns {Promise<{ status: number, body: string } | { error: string }>}
 */
async function perform(postback, request, timeoutMs = DEFAULT_TIMEOUT_MS) {
  const controller = new AbortController();
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`post-back timed out after ${timeoutMs} ms`);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    // The race also bounds a custom postback that ignores the signal.
    return await Promise.race([
      Promise.resolve()
        .then(() => postback(request, { signal: controller.signal }))
        .then(toReply),
      deadline,
    ]);
  } catch (err) {
    return { error: describe(err) };
  } finally {
    clearTimeout(timer);
  }
}

module.exports = { fetchPostback, perform, DEFAULT_TIMEOUT_MS };
