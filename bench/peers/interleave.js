// Interleaved timing for the Node-side peer benchmarks: two functions in alternating batches of
// about BATCH_SECONDS (A B A B …, ROUNDS rounds), medians of wall and CPU time per call and the
// median of the rounds' ratios (two batches back to back see the same load). The method of
// bench/peers/timing.py, as a module: node_peers.js and wasm_peers.mjs use it.
'use strict';

const ROUNDS = Number(process.env.VPOS_BENCH_ROUNDS || 51);
const BATCH_SECONDS = Number(process.env.VPOS_BENCH_BATCH_SECONDS || 0.002);
// Warm-up by time, not only by count: V8 compiles wasm with its baseline compiler first and
// optimises hot functions later, in the background; 200 calls can end before that (FloCash
// parse in wasm measured 1.6–6× native from one run to the next with the count alone).
const WARMUP_SECONDS = Number(process.env.VPOS_BENCH_WARMUP_SECONDS || 1);

/** Seconds of wall and CPU time per call of `fn`, over `n` calls. */
function batch(fn, n) {
  const cpu = process.cpuUsage();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const wall = Number(process.hrtime.bigint() - t) / 1e9 / n;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1e6 / n];
}

/** How many calls of `fn` fill one batch. */
function callsPerBatch(fn) {
  for (let n = 1; ; n *= 4) {
    const [wall] = batch(fn, n);
    if (wall * n >= BATCH_SECONDS / 10 || n >= 1 << 20) return Math.max(1, Math.floor(BATCH_SECONDS / wall));
  }
}

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

/**
 * `a` and `b` in alternating batches after a warm-up: medians in seconds per call (`a`,
 * `a_cpu`, `b`, `b_cpu`) and `ratio`, the median over rounds of b's time / a's time.
 */
function interleaved(a, b) {
  const until = process.hrtime.bigint() + BigInt(Math.round(WARMUP_SECONDS * 1e9));
  for (let i = 0; i < 200 || process.hrtime.bigint() < until; i++) {
    a();
    b();
  }
  const na = callsPerBatch(a);
  const nb = callsPerBatch(b);
  const s = { a: [], a_cpu: [], b: [], b_cpu: [], ratio: [] };
  for (let r = 0; r < ROUNDS; r++) {
    let [w, c] = batch(a, na);
    s.a.push(w);
    s.a_cpu.push(c);
    [w, c] = batch(b, nb);
    s.b.push(w);
    s.b_cpu.push(c);
    s.ratio.push(s.b[r] / s.a[r]);
  }
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, median(v)]));
}

module.exports = { ROUNDS, batch, callsPerBatch, interleaved, median };
