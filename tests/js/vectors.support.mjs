// What every JS runner of the shared vectors needs (tests/js/vectors.shared.mjs, and the
// packages' own tests): the vector files, JSON read without losing integers past 2^53 (the
// vectors hold i64::MAX minor units), minor units as BigInt, and the subset match of
// docs/conformance.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tests/vectors, absolute. */
export const VECTORS_DIR = fileURLToPath(new URL('../vectors/', import.meta.url));

/** Every vector file under `dir`, sorted, recursively. */
export function vectorFiles(dir = VECTORS_DIR) {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return vectorFiles(p);
    return name.endsWith('.json') ? [p] : [];
  });
}

/** A vector file: `{ cases, defaults }`, each case's `input` laid over `defaults`. */
export function loadCases(file) {
  const doc = parseJson(readFileSync(file, 'utf8'));
  const defaults = doc.defaults ?? {};
  const cases = Array.isArray(doc.cases) ? doc.cases : [];
  return cases.map((c) => ({ ...c, input: { ...defaults, ...c.input } }));
}

/** Numbers under `minor` / `*_minor` keys become BigInt: money never crosses as a JS number. */
export function moneyAsBigint(v, key = '') {
  if ((key === 'minor' || key.endsWith('_minor')) && typeof v === 'number') return BigInt(v);
  if (Array.isArray(v)) return v.map((x) => moneyAsBigint(x));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, moneyAsBigint(x, k)]));
  return v;
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
export const errorJson = (e) => ({ code: e.code, field: e.field ?? null, message: e.message });

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
