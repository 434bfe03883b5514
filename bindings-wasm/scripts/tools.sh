#!/usr/bin/env bash
# Installs what bindings-wasm needs on a fresh machine; a quick no-op when all is there: the
# wasm32 target, wasm-bindgen-cli at exactly the version in Cargo.lock, Debian's chromium, and npm ci.
set -euo pipefail
cd "$(dirname "$0")/.."

# The CLI must equal the `wasm-bindgen` crate (pinned with `=` in Cargo.toml): read Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' ../Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ -z "$want" ]; then
  echo "tools.sh: no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
if [ "$have" != "$want" ]; then
  # No --locked: the CLI's own lockfile pins a webpki-roots the registry here lacks.
  echo "tools.sh: installing wasm-bindgen-cli $want (have: ${have:-none}) with cargo install into ${CARGO_HOME:-$HOME/.cargo}/bin (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "=$want"
fi

# The wasm32 standard library for the toolchain cargo uses here (a fresh machine lacks it).
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "tools.sh: adding the wasm32-unknown-unknown target to the rustup toolchain (rustup target add)"
  rustup target add wasm32-unknown-unknown
fi

# Debian's chromium for the browser test (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ]; then
  echo "tools.sh: installing Debian's chromium system-wide with apt-get (/usr/bin/chromium, for the browser test)"
  apt-get update
  apt-get install -y --no-install-recommends chromium
fi

# binaryen (wasm-opt 132; never Debian's, which corrupts wasm-bindgen output), playwright-core,
# typescript. Reinstall only when the lockfile changed.
stamp=node_modules/.vpos-lock-sha
sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  npm ci --no-audit --no-fund
  echo "$sum" > "$stamp"
fi
