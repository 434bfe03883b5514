# Coverage-guided fuzzing of the core's parsers (fuzz/, fuzz/README.md): libFuzzer on stable
# Rust, one target per public parser, seeded from tests/vectors.
#
# fuzz:        builds the instrumented targets and runs each for FUZZ_SECONDS (default 60), one
#              after the other (-timeout=1 -rss_limit_mb=256 -malloc_limit_mb=256); findings in
#              fuzz/artifacts/<target>/, one line per target in fuzz/artifacts/summary.tsv.
#              `make fuzz FUZZ_TARGETS="redsys_soap amount"` runs just those.
# fuzz-replay: every target's body as a plain function over its seeds and its saved crash
#              inputs (fuzz/regressions/<target>/): a normal `cargo test`, no instrumentation.

TEST_SUITES += fuzz-replay

FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

.PHONY: fuzz fuzz-replay

fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) CARGO=$(CARGO) fuzz/run.sh $(FUZZ_TARGETS)

# Not --locked: fuzz/ has its own Cargo.lock, and a dependency the core gains must not fail
# `make test` until someone syncs it; cargo adds what is missing and changes no locked version
# (commit the updated fuzz/Cargo.lock when git shows it).
fuzz-replay:
	$(CARGO) test --manifest-path fuzz/Cargo.toml
