// Shared by the Node test files: both builds of vpos-web, and JSON read without losing
// integers past 2^53 (the vectors hold i64::MAX minor units).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const pkgPath = (p) => fileURLToPath(new URL(`../pkg/${p}`, import.meta.url));

/**
 * The package under test twice: the CommonJS build Node resolves (`node` condition), and the
 * ES module every other runtime gets, initialised the way an edge runtime does it (the wasm
 * bytes handed to initSync, no file system or fetch inside the module).
 */
export async function builds() {
  const node = createRequire(import.meta.url)(pkgPath('node/vpos_web.js'));
  const web = await import(pkgPath('web/vpos_web.js'));
  web.initSync({ module: readFileSync(pkgPath('web/vpos_web_bg.wasm')) });
  return [
    { name: 'node (CommonJS)', api: node },
    { name: 'web (ES module, initSync)', api: web },
  ];
}

/**
 * The edge module (`vpos-web/edge`: every gateway) the same two ways: CommonJS, and the ES
 * module initialised from its bytes as an edge runtime does.
 */
export async function edgeBuilds() {
  const node = createRequire(import.meta.url)(pkgPath('edge/node/vpos_web_edge.js'));
  const web = await import(pkgPath('edge/web/vpos_web_edge.js'));
  web.initSync({ module: readFileSync(pkgPath('edge/web/vpos_web_edge_bg.wasm')) });
  return [
    { name: 'edge node (CommonJS)', api: node },
    { name: 'edge web (ES module, initSync)', api: web },
  ];
}

/**
 * JSON.parse, except that integers beyond Number.MAX_SAFE_INTEGER become BigInt instead of
 * being rounded (Node 20's JSON.parse reviver has no access to the source text).
 */
export function parseJson(text) {
  let i = 0;
  const ws = () => { while (' \t\n\r'.includes(text[i]) && i < text.length) i++; };
  const fail = (what) => { throw new SyntaxError(`${what} at offset ${i}`); };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const obj = {}; ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws(); if (text[i] !== '"') fail('expected a key');
        const key = string(); ws();
        if (text[i++] !== ':') fail('expected :');
        obj[key] = value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] === '}') return obj;
        fail('expected , or }');
      }
    }
    if (c === '[') {
      i++; const arr = []; ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value()); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] === ']') return arr;
        fail('expected , or ]');
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('expected a value');
    i += m[0].length;
    const n = Number(m[0]);
    return !m[2] && !m[3] && !Number.isSafeInteger(n) ? BigInt(m[0]) : n;
  };
  const string = () => {
    const start = i++;
    while (text[i] !== '"') { if (text[i] === '\\') i++; i++; if (i >= text.length) fail('unterminated string'); }
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const v = value(); ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

/** A thrown vpos error as the vectors write it. */
export const errorJson = (e) => ({ code: e.code, field: e.field, message: e.message });

/**
 * The vectors' subset match (docs/conformance.md): every key `expect` names must be present
 * and equal; arrays equal in length and matched element by element. Integers compare by
 * value whether they arrived as number or BigInt. Returns null or a description of the miss.
 */
export function subsetMismatch(expect, actual, path = 'expect') {
  const isInt = (v) => typeof v === 'bigint' || Number.isInteger(v);
  if (isInt(expect) && isInt(actual)) {
    return BigInt(expect) === BigInt(actual) ? null : `${path}: expected ${expect}, got ${actual}`;
  }
  if (Array.isArray(expect)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`;
    if (expect.length !== actual.length) {
      return `${path}: expected ${expect.length} items, got ${actual.length}: ${show(actual)}`;
    }
    for (let k = 0; k < expect.length; k++) {
      const miss = subsetMismatch(expect[k], actual[k], `${path}[${k}]`);
      if (miss) return miss;
    }
    return null;
  }
  if (expect !== null && typeof expect === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${path}: expected an object, got ${show(actual)}`;
    }
    for (const [k, v] of Object.entries(expect)) {
      if (!(k in actual)) return `${path}.${k} missing in ${show(actual)}`;
      const miss = subsetMismatch(v, actual[k], `${path}.${k}`);
      if (miss) return miss;
    }
    return null;
  }
  return Object.is(expect, actual) ? null : `${path}: expected ${show(expect)}, got ${show(actual)}`;
}

export const show = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
