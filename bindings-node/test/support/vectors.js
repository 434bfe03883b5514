'use strict';
// Loading and judging the shared conformance vectors (docs/conformance.md), as
// core/tests/vectors.rs does: every `*.json` under tests/vectors, `input` laid over `defaults`,
// `expect` / `error` matched as a subset.

const fs = require('node:fs');
const path = require('node:path');
const { parse } = require('./lossless-json.js');

const VECTORS_DIR = path.resolve(__dirname, '../../../tests/vectors');

/** Every vector file, sorted, recursively. */
function vectorFiles(dir = VECTORS_DIR) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...vectorFiles(p));
    else if (entry.name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** The cases of one file, each with its merged input. */
function loadCases(file) {
  const doc = parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(doc.cases)) throw new Error(`${file}: no cases`);
  const defaults = doc.defaults || {};
  return doc.cases.map((c) => ({ ...c, input: { ...defaults, ...c.input } }));
}

const isNumeric = (v) => typeof v === 'number' || typeof v === 'bigint';

/**
 * Subset match: every key of `expect` present and equal in `actual`, arrays element by element
 * with equal lengths. Integers compare exactly across number/bigint (money is bigint here).
 * Returns null on a match, else a description of the first difference.
 */
function subset(expect, actual, at = 'expect') {
  if (isNumeric(expect) && isNumeric(actual)) {
    if (!Number.isInteger(Number(expect)) || !Number.isInteger(Number(actual))) {
      return expect === actual ? null : `${at}: expected ${expect}, got ${actual}`;
    }
    return BigInt(expect) === BigInt(actual) ? null : `${at}: expected ${expect}, got ${actual}`;
  }
  if (Array.isArray(expect)) {
    if (!Array.isArray(actual)) return `${at}: expected an array, got ${show(actual)}`;
    if (expect.length !== actual.length) {
      return `${at}: expected ${expect.length} items, got ${actual.length}: ${show(actual)}`;
    }
    for (let i = 0; i < expect.length; i++) {
      const why = subset(expect[i], actual[i], `${at}[${i}]`);
      if (why) return why;
    }
    return null;
  }
  if (expect !== null && typeof expect === 'object') {
    if (actual === null || typeof actual !== 'object') return `${at}: expected an object, got ${show(actual)}`;
    for (const key of Object.keys(expect)) {
      if (!(key in actual)) return `${at}.${key} missing in ${show(actual)}`;
      const why = subset(expect[key], actual[key], `${at}.${key}`);
      if (why) return why;
    }
    return null;
  }
  return expect === actual ? null : `${at}: expected ${show(expect)}, got ${show(actual)}`;
}

function show(v) {
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

/** Numbers under `minor` / `*_minor` keys become bigints: the binding refuses money as a number. */
function moneyAsBigint(v, key = '') {
  if ((key === 'minor' || key.endsWith('_minor')) && typeof v === 'number') return BigInt(v);
  if (Array.isArray(v)) return v.map((x) => moneyAsBigint(x));
  if (v && typeof v === 'object' && typeof v !== 'bigint') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, moneyAsBigint(x, k)]));
  }
  return v;
}

module.exports = { VECTORS_DIR, vectorFiles, loadCases, subset, show, moneyAsBigint };
