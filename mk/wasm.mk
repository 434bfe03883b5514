# Browser and edge binding: npm package `hostedpay-web` (bindings-wasm/, wasm-bindgen).
# wasm-test: install the tools if needed (the wasm32 target, wasm-bindgen-cli at the Cargo.lock
# version, Debian's chromium, npm ci), build the modules (browser: `hostedpay-web`; edge, cargo
# feature `edge`: `hostedpay-web/edge`; one edge module per gateway, `hostedpay-web/edge/<gateway>`,
# with their size ceilings checked by scripts/sizes.mjs) for web and node with the ship profile and wasm-opt -Oz,
# run tests/vectors through the edge builds, each gateway's vectors through its own module, and
# the browser module's share through its builds,
# the API tests (with the shared JS API test tests/js/api.shared.mjs against both edge builds,
# test/api.shared.test.mjs), tsc --strict on the .d.ts, then headless Chromium: the example page against a
# local shop and fake FloCash, and the edge ES module verifying a Redsys notification.
# wasm-bench: the browser module's size against the 100 KB gzipped budget and the edge
# module's size, parse + verify calls/s in the edge module (FloCash, Redsys) against
# the same core compiled natively.

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
