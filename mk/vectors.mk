# Same vectors everywhere, provably (issue #16 item 7, docs/conformance.md).
#
# Each vector runner (core/tests/vectors.rs in rust-test, bindings-python/tests/test_vectors.py
# in python-test, bindings-node/test/vectors.test.js in node-test,
# bindings-wasm/test/vectors.test.mjs in wasm-test) prints one line per file with its case
# counts and writes target/vector-runs/<runtime>.json: per file the cases it ran, failed and
# skipped (with the reason), the {code, field} of every error, and its known differences.
# vector-parity: scripts/vector_parity.py checks that rust, python, node and the wasm edge
# module (node and web builds) ran every case of every file and failed the same cases with the
# same code and field (the wasm browser module: its share, every other case declared skipped).
#
# Every manifest carries VPOS_VECTOR_RUN_ID, one per make invocation (exported to every
# runner), and the check refuses a manifest from another run: a stale file cannot pass.
# vector-parity depends on the four suites, so `make vector-parity` alone runs them first; in
# `make test` it is the last suite (the Makefile appends TEST_SUITES_LAST).

TEST_SUITES_LAST += vector-parity

ifndef VPOS_VECTOR_RUN_ID
VPOS_VECTOR_RUN_ID := $(shell date -u +%Y%m%dT%H%M%SZ)-$(shell od -An -N4 -tx4 /dev/urandom | tr -d ' ')
endif
export VPOS_VECTOR_RUN_ID

.PHONY: vector-parity

vector-parity: rust-test python-test node-test wasm-test
	python3 scripts/vector_parity.py
