#!/usr/bin/env bash
# Builds the npm package `vpos-web` into bindings-wasm/pkg/: the ship profile, wasm-bindgen for
# the web (ES module: browsers, bundlers, Deno, Workers) and for Node (CommonJS), wasm-opt -Oz,
# then package.json and the .d.ts additions (scripts/package.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(cd .. && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}

# Two modules from this one crate: the browser module (default features) and the edge module
# (`--features edge`: every gateway, secrets included). Each is built, bound for the web (ES
# module: browsers, bundlers, Deno, Workers) and for Node (CommonJS), then optimised once.
# Never `--workspace` for wasm32: pyo3 does not build there.
rm -rf pkg
module() { # module <cargo features> <out dir> <out name>
  local features=$1 out=$2 name=$3
  cargo build --locked -p vpos-web --target wasm32-unknown-unknown --profile wasm-release $features
  local raw=$target_dir/wasm32-unknown-unknown/wasm-release/vpos_web.wasm
  wasm-bindgen "$raw" --target web --out-dir "$out/web" --out-name "$name"
  wasm-bindgen "$raw" --target nodejs --out-dir "$out/node" --out-name "$name"
  # Both targets embed the same module; optimise once and ship the same bytes twice.
  cmp -s "$out/web/${name}_bg.wasm" "$out/node/${name}_bg.wasm" || {
    echo "build.sh: web and node modules differ; optimise each" >&2
    exit 1
  }
  node_modules/.bin/wasm-opt -Oz --converge "$out/web/${name}_bg.wasm" -o "$out/web/${name}_bg.wasm"
  cp "$out/web/${name}_bg.wasm" "$out/node/${name}_bg.wasm"
}
module "" pkg vpos_web
module "--features edge" pkg/edge vpos_web_edge

node scripts/package.mjs
for wasm in pkg/web/vpos_web_bg.wasm pkg/edge/web/vpos_web_edge_bg.wasm; do
  echo "build.sh: $wasm ($(stat -c%s "$wasm") bytes, $(gzip -9c "$wasm" | wc -c) gzipped)"
done
