# vpos: `make test` runs every suite that exists; `make demo` runs the demo; `make bench` the benchmarks.
# `make bench-peers` times vpos side by side with its peers (mk/bench.mk, docs/performance.md).
# Every target installs what it needs on a fresh machine (see scripts/tools.sh).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
WASM_TARGET := wasm32-unknown-unknown

.PHONY: test demo bench tools lint rust-test rust-bench wasm-check no-floats fmt

# Each binding adds its suites in mk/<binding>.mk: `TEST_SUITES += ...`, `BENCH_SUITES += ...`.
TEST_SUITES := rust-test wasm-check
BENCH_SUITES := rust-bench
include $(sort $(wildcard mk/*.mk))
# Suites that check what the others did (mk/vectors.mk: vector-parity) run after them all.
TEST_SUITES += $(TEST_SUITES_LAST)

test: tools lint no-floats $(TEST_SUITES)
	@echo "make test: all suites passed ($(TEST_SUITES))"

tools:
	@scripts/tools.sh

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# Money never touches floating point: the core must not even mention a float type.
no-floats:
	@if grep -rnwE 'f32|f64' core/src; then echo "floating point in core/src" >&2; exit 1; fi

rust-test:
	$(CARGO) test --workspace --locked

# The core must build for the browser and edge runtimes.
wasm-check:
	$(CARGO) build -p vpos-core --target $(WASM_TARGET) --locked

demo: tools
	$(DEMO_RUN)

bench: tools $(BENCH_SUITES)

rust-bench:
	$(CARGO) bench -p vpos-core --bench core --locked -- --warm-up-time 1 --measurement-time 5

fmt:
	$(CARGO) fmt --all
