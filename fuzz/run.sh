#!/usr/bin/env bash
# Builds the libFuzzer targets (stable Rust: sancov instrumentation flags, no nightly, no
# cargo-fuzz) and runs each for FUZZ_SECONDS (default 60), one after the other.
#
#   fuzz/run.sh                      every target
#   fuzz/run.sh redsys_soap amount   just those
#   FUZZ_SECONDS=300 fuzz/run.sh     longer
#   fuzz/run.sh --build-only         build the binaries and write the seed corpora
#
# Corpus: fuzz/corpus/<target>/ (seeded from tests/vectors, grown by libFuzzer, git-ignored);
# fuzz/regressions/<target>/ is read too. A crash, a timeout (> 1 s), an OOM (> 256 MB) or a
# leak lands in fuzz/artifacts/<target>/; the log of each run in fuzz/artifacts/<target>.log,
# and one line per target in fuzz/artifacts/summary.tsv. Exit status 1 if any target failed.
set -euo pipefail
cd "$(dirname "$0")"

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
CARGO="${CARGO:-cargo}"
HOST="$(rustc -vV | sed -n 's/^host: //p')"
BIN="target/$HOST/release"
ALL_TARGETS=(amount bitpay_invoice bitpay_refund_notification bitpay_v2 ceca_notification ceca_refund elavon_hpp elavon_remote
  flocash_notification flocash_poll paypal_ipn paypal_nvp paypal_webhook redsys_emv3ds redsys_notification redsys_paygold redsys_query
  redsys_rest redsys_soap)

build_only=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --build-only) build_only=1 ;;
    *) targets+=("$arg") ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")

# libfuzzer-sys compiles libFuzzer (C++) with the system compiler.
if ! command -v g++ >/dev/null 2>&1; then
  echo "fuzz: installing g++ (Debian) for libFuzzer" >&2
  apt-get update -qq && apt-get install -y -qq --no-install-recommends g++ >/dev/null
fi

# Not --locked: see fuzz-replay in mk/fuzz.mk (the lock follows the core's dependencies).
# Instrumentation on stable rustc: the sancov module pass with the flags cargo-fuzz passes.
# `--target` keeps them off build scripts and proc macros. Release, with debug assertions and
# overflow checks on (fuzz/Cargo.toml's [profile.release]).
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
bin_args=()
for t in "${targets[@]}"; do bin_args+=(--bin "$t"); done
"$CARGO" build --release --features libfuzzer --target "$HOST" "${bin_args[@]}"
unset RUSTFLAGS

# Seed corpora from tests/vectors (plain build, target/debug).
"$CARGO" run -q --bin seed -- "${targets[@]}"
[ "$build_only" = 0 ] || exit 0

mkdir -p artifacts
summary=artifacts/summary.tsv
[ -f "$summary" ] || printf 'date\ttarget\tseconds\texecs\texecs_per_s\tcov\tft\tcorpus\tpeak_rss_mb\tresult\n' >"$summary"
failed=()
for t in "${targets[@]}"; do
  mkdir -p "artifacts/$t" "regressions/$t"
  log="artifacts/$t.log"
  echo "== fuzz: $t for ${FUZZ_SECONDS}s (log: fuzz/$log)"
  set +e
  "$BIN/$t" -max_total_time="$FUZZ_SECONDS" -timeout=1 -rss_limit_mb=256 -malloc_limit_mb=256 \
    -print_final_stats=1 -artifact_prefix="artifacts/$t/" "corpus/$t" "regressions/$t" >"$log" 2>&1
  status=$?
  set -e
  done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rss="$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)"
  field() { sed -n "s|.* $1: *\([0-9a-zA-Z/]*\).*|\1|p" <<<"$done_line"; }
  result=ok
  [ "$status" = 0 ] || { result="FAILED($status)"; failed+=("$t"); tail -40 "$log"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$FUZZ_SECONDS" \
    "${execs:-?}" "$(field exec/s)" "$(field cov)" "$(field ft)" "$(field corp)" "${rss:-?}" \
    "$result" | tee -a "$summary"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}: see fuzz/artifacts/<target>/ and fuzz/README.md" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${FUZZ_SECONDS}s each, no findings"
