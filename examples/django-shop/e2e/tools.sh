#!/usr/bin/env bash
# What the browser test needs, a quick no-op when all is there: Debian's chromium (as
# bindings-wasm/scripts/tools.sh installs it; never a downloaded browser build) and
# playwright-core from the lockfile.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x /usr/bin/chromium ]; then
  echo "e2e/tools.sh: installing Debian's chromium system-wide with apt-get (/usr/bin/chromium, for the demo's browser test)"
  apt-get update
  apt-get install -y --no-install-recommends chromium
fi

stamp=node_modules/.vpos-lock-sha
sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  npm ci --no-audit --no-fund
  echo "$sum" > "$stamp"
fi
