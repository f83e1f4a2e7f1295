#!/usr/bin/env bash
# One command: set up a fresh Debian 12 machine, build, and run every test;
# then build the whole project again under AddressSanitizer + UndefinedBehavior-
# Sanitizer (build-asan, Debug at -O1, assertions on) and run every test again
# there, the headless app included (software renderer: no leak suppressions).
# Any sanitizer report (leaks included) fails the run. TLAB_NO_ASAN=1 skips
# the second pass (quicker local runs); CI always runs it. Third, the fuzz
# harnesses (tests/fuzz, clang) replay their seed corpora and fuzz 3 s each
# (scripts/fuzz.sh --ci; TLAB_NO_FUZZ=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)")
if [ "${TLAB_NO_ASAN:-0}" != 1 ]; then
  echo "test.sh: second pass under ASan + UBSan (build-asan)" >&2
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" -DTLAB_SANITIZE=ON \
        -DTLAB_WERROR=OFF >/dev/null
  cmake --build build-asan -j"$(nproc)"
  # leaks are reported at exit and turn the exit status non-zero; UBSan stops at the
  # first report (the build uses -fno-sanitize-recover=all). A test given the CTest
  # label no_asan would be skipped here (for one too slow under the sanitizers): none is.
  ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -LE no_asan
fi
if [ "${TLAB_NO_FUZZ:-0}" != 1 ]; then
  echo "test.sh: fuzz harnesses: corpus replay and a brief run each (build-fuzz)" >&2
  bash scripts/fuzz.sh --ci
fi
