#!/usr/bin/env bash
# Installs what the build and tests need on a fresh machine; quick no-op when already there.
set -euo pipefail

have_target() { rustup target list --installed 2>/dev/null | grep -qx "$1"; }

if ! command -v cargo >/dev/null; then
  echo "tools.sh: cargo is required (rustup toolchain)" >&2
  exit 1
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    echo "tools.sh: adding $component to the rustup toolchain (rustup component add)"
    rustup component add "$component"
  fi
done
if ! have_target wasm32-unknown-unknown; then
  echo "tools.sh: adding the wasm32-unknown-unknown target to the rustup toolchain (rustup target add)"
  rustup target add wasm32-unknown-unknown
fi
