#!/usr/bin/env bash
# Builds the npm package `vpos-web` into bindings-wasm/pkg/: the ship profile, wasm-bindgen for
# the web (ES module: browsers, bundlers, Deno, Workers) and for Node (CommonJS), wasm-opt -Oz,
# then package.json and the .d.ts additions (scripts/package.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(cd .. && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}

# Never `--workspace` for wasm32: pyo3 does not build there.
cargo build --locked -p vpos-web --target wasm32-unknown-unknown --profile wasm-release
raw=$target_dir/wasm32-unknown-unknown/wasm-release/vpos_web.wasm

rm -rf pkg
wasm-bindgen "$raw" --target web --out-dir pkg/web
wasm-bindgen "$raw" --target nodejs --out-dir pkg/node
# Both targets embed the same module; optimise once and ship the same bytes twice.
cmp -s pkg/web/vpos_web_bg.wasm pkg/node/vpos_web_bg.wasm || {
  echo "build.sh: web and node modules differ; optimise each" >&2
  exit 1
}
node_modules/.bin/wasm-opt -Oz --converge pkg/web/vpos_web_bg.wasm -o pkg/web/vpos_web_bg.wasm
cp pkg/web/vpos_web_bg.wasm pkg/node/vpos_web_bg.wasm

node scripts/package.mjs
echo "build.sh: pkg/ ready ($(stat -c%s pkg/web/vpos_web_bg.wasm) bytes, $(gzip -9c pkg/web/vpos_web_bg.wasm | wc -c) gzipped)"
