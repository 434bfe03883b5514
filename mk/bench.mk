# Peer benchmarks (issue #23): vpos timed side by side with what people use today.
#
# bench-peers: installs the peers into bench-only environments under target/bench/ (never the dev
# venv): a venv with PyPI python-redsys and Django (bench/peers/requirements.txt) and the vpos
# wheel built here; a node folder with npm redsys-easy (bench/peers/package-lock.json) next to
# the addon `make node-build` builds. Each harness first checks that every implementation
# accepts the real MN000049 notification (bench/peers/data/) and rejects a tampered copy, and
# fails the run if one does not; then it times the pairs in interleaved batches (medians, wall
# and CPU time). The core's ratio lines against the lean reference (core/benches/core.rs) join
# them, and so do the wasm edge modules against the native addon (bench/peers/wasm_peers.mjs:
# Redsys verify through hostedpay-web/edge/redsys, FloCash parse through
# hostedpay-web/edge/flocash; ratio wasm time / native time, target <= 3). Everything lands in target/bench/peers.json, one row per target (name, vpos, peer,
# ratio, target, met) and one printed line each; a missed target is `"met": false`, not a
# failure. Figures and how to read them: docs/performance.md.

BENCH_DIR := target/bench
BENCH_VENV := $(BENCH_DIR)/venv
BENCH_NODE := $(BENCH_DIR)/node

.PHONY: bench-peers

# Re-created whenever the pins change.
$(BENCH_VENV)/.installed: bench/peers/requirements.txt
	rm -rf $(BENCH_VENV)
	$(PYTHON3) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q -r bench/peers/requirements.txt
	touch $@

$(BENCH_NODE)/.installed: bench/peers/package.json bench/peers/package-lock.json
	rm -rf $(BENCH_NODE)
	mkdir -p $(BENCH_NODE)
	cp bench/peers/package.json bench/peers/package-lock.json $(BENCH_NODE)/
	cd $(BENCH_NODE) && npm ci --no-audit --no-fund
	touch $@

bench-peers: tools python-venv node-build wasm-build $(BENCH_VENV)/.installed $(BENCH_NODE)/.installed
	rm -rf $(BENCH_DIR)/dist $(BENCH_DIR)/python.json $(BENCH_DIR)/node.json $(BENCH_DIR)/wasm.json $(BENCH_DIR)/core.json
	cd $(PY_DIR) && .venv/bin/maturin build --release --locked --out $(abspath $(BENCH_DIR))/dist
	$(BENCH_VENV)/bin/pip install -q --force-reinstall --no-deps $(BENCH_DIR)/dist/hostedpay-*.whl
	cd $(BENCH_DIR) && venv/bin/python $(CURDIR)/bench/peers/python_peers.py python.json
	node bench/peers/node_peers.js $(BENCH_DIR)/node.json $(BENCH_NODE) $(NODE_DIR)
	node bench/peers/wasm_peers.mjs $(BENCH_DIR)/wasm.json $(WASM_DIR)/pkg $(NODE_DIR)
	VPOS_BENCH_JSON=$(abspath $(BENCH_DIR))/core.json \
	  $(CARGO) bench -p vpos-core --bench core --locked -- ratios-only
	$(PYTHON3) bench/peers/report.py $(BENCH_DIR)/peers.json \
	  $(BENCH_DIR)/python.json $(BENCH_DIR)/node.json $(BENCH_DIR)/wasm.json $(BENCH_DIR)/core.json
