#!/usr/bin/env bash
# Installs every artifact `make dist` built, the way a user would, and runs a smoke test from the
# installation, never from the source tree: the Python wheel (with its [django] extra) and the
# sdist (compiled from source by pip, as on a platform without a wheel) each in a fresh venv, the
# sandbox wheel in a fresh venv (its `hostedpay-sandbox` command serves a payment page), and both
# npm tarballs in empty folders (CommonJS and ES module entries, the edge module, the shipped
# Express example's syntax). Usage: scripts/dist_smoke.sh DIST_DIR
set -euo pipefail

dist=$(cd "${1:?usage: dist_smoke.sh DIST_DIR}" && pwd)
python=${PYTHON3:-python3}
tmp=$(mktemp -d)
sandbox_pid=
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

one() { # one GLOB: the single file of dist/ matching GLOB
  local matches=("$dist"/$1)
  [ ${#matches[@]} -eq 1 ] && [ -e "${matches[0]}" ] || { echo "dist_smoke: expected one $1 in $dist" >&2; exit 1; }
  echo "${matches[0]}"
}
wheel=$(one 'hostedpay-*.whl')
sdist=$(one 'hostedpay-*.tar.gz')
sandbox_wheel=$(one 'hostedpay_sandbox-*.whl')
node_tgz=$(one 'hostedpay-[0-9]*.tgz')
web_tgz=$(one 'hostedpay-web-*.tgz')

# The Python package from a user's point of view: import, a Redsys form signed with the public
# test key, the Django app's import path, and the shipped test helpers.
py_smoke='
import hostedpay, hostedpay.django, hostedpay.testing
from hostedpay import money, redsys
assert money.parse("23.45", "EUR")["minor"] == 2345
gateway = redsys.Gateway({"merchant_code": "999008881", "terminal": "1",
    "secret_key": "sq7HjrUOBfKmC576ILgskD5srU870gJ7",
    "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago"})
form = gateway.checkout({"order": "0726qI3H7sZx", "amount": {"value": "49.99", "currency": "EUR"}})
assert dict(form.fields)["Ds_SignatureVersion"] == "HMAC_SHA256_V1", form.to_dict()
print("ok", hostedpay.__version__)
'

echo "== dist smoke: $(basename "$wheel") [django] in a fresh venv"
"$python" -m venv "$tmp/wheel"
"$tmp/wheel/bin/pip" install -q "$wheel[django]"
(cd "$tmp" && "$tmp/wheel/bin/python" -c "$py_smoke")

echo "== dist smoke: $(basename "$sdist") compiled by pip in a fresh venv (cargo: a few minutes)"
"$python" -m venv "$tmp/sdist"
"$tmp/sdist/bin/pip" install -q "$sdist"
(cd "$tmp" && "$tmp/sdist/bin/python" -c "$py_smoke")

echo "== dist smoke: $(basename "$sandbox_wheel") in a fresh venv"
"$python" -m venv "$tmp/sandbox"
"$tmp/sandbox/bin/pip" install -q "$sandbox_wheel"
"$tmp/sandbox/bin/hostedpay-sandbox" --version
"$tmp/sandbox/bin/hostedpay-sandbox" --listen 127.0.0.1:0 >"$tmp/sandbox.out" 2>&1 &
sandbox_pid=$!
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's/.* listening on \(http:[^ ]*\).*/\1/p' "$tmp/sandbox.out" | head -n 1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/sandbox.out" >&2; echo "dist_smoke: the sandbox did not start" >&2; exit 1; }
"$tmp/wheel/bin/python" - "$url" <<'EOF'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/", timeout=10) as r:
    assert r.status == 200, r.status
print("ok: the installed sandbox answers at", sys.argv[1])
EOF
kill "$sandbox_pid"
sandbox_pid=

echo "== dist smoke: $(basename "$node_tgz") in an empty folder"
mkdir "$tmp/node"
(cd "$tmp/node" && echo '{"name":"smoke","private":true}' >package.json \
  && npm install --no-audit --no-fund --silent "$node_tgz")
(cd "$tmp/node" && node -e "
const vpos = require('hostedpay');
if (vpos.money.parse('23.45', 'EUR').minor !== 2345n) throw new Error('money');
const config = new vpos.Config({ gateway: 'redsys', merchant_code: '999008881', terminal: '1',
  secret_key: 'sq7HjrUOBfKmC576ILgskD5srU870gJ7', checkout_url: 'https://sis-t.redsys.es:25443/sis/realizarPago' });
if (config.gateway !== 'redsys' || vpos.flavour() !== 'node') throw new Error('config');
console.log('ok: require(\"hostedpay\")');
" && node --input-type=module -e "
import { money } from 'hostedpay';
if (money.parse('1', 'JPY').minor !== 1n) throw new Error('esm');
console.log('ok: import from \"hostedpay\"');
" && node --check node_modules/hostedpay/examples/express.js && echo "ok: the shipped Express example parses")

echo "== dist smoke: $(basename "$web_tgz") in an empty folder"
mkdir "$tmp/web"
(cd "$tmp/web" && echo '{"name":"smoke","private":true}' >package.json \
  && npm install --no-audit --no-fund --silent "$web_tgz")
(cd "$tmp/web" && node -e "
const web = require('hostedpay-web');
const edge = require('hostedpay-web/edge');
if (web.flavour() !== 'browser' || edge.flavour() !== 'edge') throw new Error('flavours');
if (edge.money.parse('23.45', 'EUR').minor !== 2345n) throw new Error('money');
if (!edge.gateways().includes('redsys')) throw new Error('gateways');
console.log('ok: require(\"hostedpay-web\") and hostedpay-web/edge');
" && node --input-type=module -e "
import { flavour } from 'hostedpay-web/edge';
if (flavour() !== 'edge') throw new Error('esm edge');
console.log('ok: import from \"hostedpay-web/edge\"');
")

echo "dist smoke: every artifact installs and runs"
