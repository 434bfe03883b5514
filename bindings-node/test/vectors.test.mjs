// Every case of every file under tests/vectors through the Node addon: the one JS runner
// (tests/js/vectors.shared.mjs), which the wasm package runs too. Recorded as
// target/vector-runs/node.json; this runtime skips nothing.
import { createRequire } from 'node:module';
import { runVectors } from '../../tests/js/vectors.shared.mjs';

const vpos = createRequire(import.meta.url)('hostedpay');

runVectors(vpos, { runtime: 'node', label: 'the Node addon' });
