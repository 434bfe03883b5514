# Node binding: npm package `hostedpay` (bindings-node/, napi-rs).
# node-test: install the pinned npm tools if needed, build the addon, run `node --test`
# (vectors, handler against a local post-back server, Express example over HTTP, tsc --strict
# on index.d.ts, npm pack installed into an empty folder, and the shared JS API test
# tests/js/api.shared.mjs through test/api.shared.test.js). node-bench: parse + verify calls/s.

TEST_SUITES += node-test
BENCH_SUITES += node-bench

NODE_DIR := bindings-node
NODE_STAMP := $(NODE_DIR)/node_modules/.package-lock.json

.PHONY: node-test node-bench node-build

# npm ci when node_modules is missing or older than the lockfile.
$(NODE_STAMP): $(NODE_DIR)/package-lock.json $(NODE_DIR)/package.json
	cd $(NODE_DIR) && npm ci --no-audit --no-fund
	touch $@

node-build: $(NODE_STAMP)
	cd $(NODE_DIR) && npx napi build --platform --release --js native.js --dts native.d.ts -- --locked

node-test: node-build
	cd $(NODE_DIR) && node --test test/*.test.js test/*.test.mjs

node-bench: node-build
	cd $(NODE_DIR) && node bench/parse_verify.js
