#!/usr/bin/env bash
# Builds the npm package `hostedpay-web` into bindings-wasm/pkg/: the ship profile, wasm-bindgen for
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
# The edge module is built at opt-level "z" (the ship profile, [profile.wasm-release], is "s"):
# measured 2026-11-26, "z" makes it 9 % smaller (259.8 → 236.3 kB gzipped) and Redsys
# parse + verify runs 3.5× native (target ≤ 4×). The browser module stays "s": at "z" it is
# 3.7 kB smaller but FloCash parse + verify, its bench, runs 4.2× native.
module() { # module <cargo features> <out dir> <out name> <opt-level>
  local features=$1 out=$2 name=$3 opt_level=$4
  CARGO_PROFILE_WASM_RELEASE_OPT_LEVEL=$opt_level \
    cargo build --locked -p vpos-web --target wasm32-unknown-unknown --profile wasm-release $features
  local raw=$target_dir/wasm32-unknown-unknown/wasm-release/vpos_web.wasm
  wasm-bindgen "$raw" --target web --out-dir "$out/web" --out-name "$name"
  wasm-bindgen "$raw" --target nodejs --out-dir "$out/node" --out-name "$name"
  # Both targets embed the same module; optimise once and ship the same bytes twice.
  cmp -s "$out/web/${name}_bg.wasm" "$out/node/${name}_bg.wasm" || {
    echo "build.sh: web and node modules differ; optimise each" >&2
    exit 1
  }
  # --low-memory-unused: Rust never reaches memory by an address that wrapped past 4 GiB, the
  # one case where folding `x + C` into a load's offset changes behaviour; 1.5 kB gzipped off
  # the edge module. The producers and target-features sections are metadata no engine reads.
  node_modules/.bin/wasm-opt -Oz --converge --low-memory-unused --strip-producers \
    --strip-target-features "$out/web/${name}_bg.wasm" -o "$out/web/${name}_bg.wasm"
  cp "$out/web/${name}_bg.wasm" "$out/node/${name}_bg.wasm"
}
module "" pkg vpos_web s
module "--features edge" pkg/edge vpos_web_edge z

node scripts/package.mjs
for wasm in pkg/web/vpos_web_bg.wasm pkg/edge/web/vpos_web_edge_bg.wasm; do
  echo "build.sh: $wasm ($(stat -c%s "$wasm") bytes, $(gzip -9c "$wasm" | wc -c) gzipped)"
done
