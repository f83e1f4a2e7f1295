#!/usr/bin/env bash
# fuzz.sh - builds the libFuzzer harnesses (tests/fuzz, clang + ASan + UBSan,
# assertions on) in build-fuzz/ and runs them.
#   scripts/fuzz.sh --ci               replay every seed corpus + 3 s of fuzzing each (CTest label fuzz)
#   scripts/fuzz.sh [SECONDS] [NAMES]  the long campaign: SECONDS per harness (default 600),
#                                      NAMES e.g. "weights tok" (default all harnesses)
# Env: FUZZ_JOBS=N harnesses at once (default 1), FUZZ_RUNS=N stop after N executions
# instead of time, FUZZ_SEED (default 1).
# Campaign output goes to build-fuzz/campaign/: <name>.log, the grown corpus in
# <name>/ (not committed: copy a useful new input into tests/fuzz/corpus/<name>/),
# crash-* / leak-* / timeout-* files, and summary.txt with execs, cov and ft per
# harness (libFuzzer's final stats). Exit status 1 when any harness found something.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bash scripts/setup.sh test   # clang, and libclang-rt-14-dev for libFuzzer and the sanitizer runtimes
# Under --ci the whole tree is built with clang (the app and tools too, warnings as errors
# under CI=true), so a clang-only warning fails the run; a campaign builds only the harnesses.
targets=(--target fuzz_harnesses); [ "${1:-}" = "--ci" ] && targets=()
bash scripts/build.sh --dir build-fuzz --label "(clang, libFuzzer + ASan + UBSan)" "${targets[@]}" -- \
  -DCMAKE_C_COMPILER=clang -DTLAB_FUZZ=ON -DTLAB_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1"
if [ "${1:-}" = "--ci" ]; then
  exec ctest --test-dir build-fuzz -L fuzz --output-on-failure -j"$(nproc)"
fi

SECS=${1:-600}
NAMES=${2:-$(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
JOBS=${FUZZ_JOBS:-1}
OUT=$ROOT/build-fuzz/campaign
mkdir -p "$OUT"
export TLAB_ASSETS=$ROOT/assets SDL_VIDEODRIVER=dummy
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_one() {
  local n=$1 limit
  mkdir -p "$OUT/$n" "$OUT/$n-artifacts"
  if [ -n "${FUZZ_RUNS:-}" ]; then limit="-runs=$FUZZ_RUNS"; else limit="-max_total_time=$SECS"; fi
  local rc=0
  (cd "$OUT/$n-artifacts" && "$ROOT/build-fuzz/tests/fuzz/fuzz_$n" "$limit" -seed="${FUZZ_SEED:-1}" -timeout=20 \
     -rss_limit_mb=2560 -max_len=4096 -print_final_stats=1 -artifact_prefix="$OUT/$n-artifacts/" \
     "$OUT/$n" "$ROOT/tests/fuzz/corpus/$n") > "$OUT/$n.log" 2>&1 || rc=$?
  local execs cov ft secs
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$OUT/$n.log" | grep -o '[0-9]*$' || echo '?')
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$OUT/$n.log" | awk '{print $5}' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$OUT/$n.log" | tail -1 | grep -o '[0-9]*' || echo '?')
  ft=$(grep -o 'ft: [0-9]*' "$OUT/$n.log" | tail -1 | grep -o '[0-9]*' || echo '?')
  printf '%-12s rc=%d execs=%s seconds=%s cov=%s ft=%s corpus=%s\n' "$n" "$rc" "$execs" "${secs:-?}" "$cov" "$ft" \
    "$(ls "$OUT/$n" | wc -l)" | tee -a "$OUT/summary.txt"
  return $rc
}
if [ -n "${FUZZ_RUNS:-}" ]; then limit_note="runs=$FUZZ_RUNS"; else limit_note="seconds=$SECS"; fi
echo "# $(date -u +%FT%TZ) $limit_note jobs=$JOBS" >> "$OUT/summary.txt"
fail=0
pids=()
for n in $NAMES; do
  run_one "$n" & pids+=($!)
  if [ "${#pids[@]}" -ge "$JOBS" ]; then wait "${pids[0]}" || fail=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[ "$fail" = 0 ] || echo "fuzz.sh: a harness found something: see $OUT/*-artifacts and the logs" >&2
exit $fail
