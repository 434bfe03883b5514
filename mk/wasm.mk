# Browser and edge binding: npm package `vpos-web` (bindings-wasm/, wasm-bindgen).
# wasm-test: install the tools if needed (wasm-bindgen-cli at the Cargo.lock version, Debian's
# chromium, npm ci), build the web and node packages with the ship profile and wasm-opt -Oz,
# run every vector and the API tests through both builds under Node, tsc --strict on the
# .d.ts, then the example page in headless Chromium against a local shop and fake FloCash.
# wasm-bench: module size against the 100 KB gzipped budget, parse + verify calls/s in wasm
# against the same core compiled natively.

TEST_SUITES += wasm-test
BENCH_SUITES += wasm-bench

WASM_DIR := bindings-wasm

.PHONY: wasm-tools wasm-build wasm-test wasm-bench

wasm-tools:
	@$(WASM_DIR)/scripts/tools.sh

wasm-build: wasm-tools
	$(WASM_DIR)/scripts/build.sh

wasm-test: wasm-build
	cd $(WASM_DIR) && node --test --test-reporter=spec test/ e2e/

wasm-bench: wasm-build
	cd $(WASM_DIR) && node scripts/bench.mjs
