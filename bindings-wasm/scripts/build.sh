#!/usr/bin/env bash
# Builds the npm package `hostedpay-web` into bindings-wasm/pkg/: the ship profile, wasm-bindgen for
# the web (ES module: browsers, bundlers, Deno, Workers) and for Node (CommonJS), wasm-opt -Oz,
# then package.json and the .d.ts additions (scripts/package.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(cd .. && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}

# Modules from this one crate: the browser module (default features), the all-gateways edge
# module (`--features edge`: every gateway, secrets included) and one edge module per gateway. Each is built, bound for the web (ES
# module: browsers, bundlers, Deno, Workers) and for Node (CommonJS), then optimised once.
# Never `--workspace` for wasm32: pyo3 does not build there.
rm -rf pkg
# The edge module is built at opt-level "z" (the ship profile, [profile.wasm-release], is "s"):
# measured 2026-11-26, "z" makes it 9 % smaller (259.8 → 236.3 kB gzipped) and Redsys
# parse + verify runs 3.5× native (target ≤ 4×). The browser module stays "s": at "z" it is
# 3.7 kB smaller but FloCash parse + verify, its bench, runs 4.2× native.
module() { # module <cargo features> <out dir> <out name> <opt-level> [<wasm-opt passes>]
  local features=$1 out=$2 name=$3 opt_level=$4 passes=${5-"--converge"}
  CARGO_PROFILE_WASM_RELEASE_OPT_LEVEL=$opt_level \
    cargo build --locked -p vpos-web --target wasm32-unknown-unknown --profile wasm-release $features
  local raw=$target_dir/wasm32-unknown-unknown/wasm-release/vpos_web.wasm
  # The linked module before wasm-bindgen and wasm-opt, with its function names: what
  # scripts/wasm_sizes.py reads to say where the bytes go (docs/performance.md).
  mkdir -p "$target_dir/wasm-modules"
  cp "$raw" "$target_dir/wasm-modules/${out//\//-}.wasm"
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
  node_modules/.bin/wasm-opt -Oz $passes --low-memory-unused --strip-producers \
    --strip-target-features "$out/web/${name}_bg.wasm" -o "$out/web/${name}_bg.wasm"
  cp "$out/web/${name}_bg.wasm" "$out/node/${name}_bg.wasm"
}
module "" pkg vpos_web s
module "--features edge" pkg/edge vpos_web_edge z
# One edge module per gateway (`hostedpay-web/edge/<gateway>`): the driver and that gateway
# only, so a host loads the code of the gateway it serves. Same profile and dependency
# features as above (only vpos-core and this crate change features), so the dependencies
# built for the all-gateways module are reused and each of these rebuilds two crates.
for gateway in flocash redsys ceca elavon paypal paypal_rest bitpay; do
  # One -Oz pass, not --converge: measured 2026-12-06 on the FloCash module, converging took
  # 57 s instead of 41 s and came out 358 bytes bigger gzipped (214,789 → 215,147).
  module "--no-default-features --features driver,$gateway" "pkg/edge/$gateway" vpos_web_edge z ""
done

node scripts/package.mjs
# The budgets (≤ 100 KB gzipped: the browser module and each gateway's edge module) fail the build.
node scripts/sizes.mjs
