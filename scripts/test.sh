#!/usr/bin/env bash
# test.sh - one command: set up a fresh Debian 12 machine (scripts/setup.sh test),
# build, and run every test, in four passes:
#   1. the Release build (build/): every CTest test;
#   2. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan,
#      Debug at -O1, assertions on, software renderer, no suppressions): any report,
#      leaks included, fails the run. TLAB_NO_ASAN=1 skips it (quicker local runs);
#   3. the fuzz harnesses (tests/fuzz, clang; the whole tree is compiled with clang
#      too, warnings as errors under CI) replay their seed corpora and fuzz 3 s each.
#      TLAB_NO_FUZZ=1 skips it.
#   4. the web build (scripts/web.sh: Debian's emscripten; the SDL2 libraries built
#      from Debian's sources once, cached in ~/.cache/transformer-lab) driven in
#      Debian's headless Chromium by tests/web/test_web.py (typing, translation, every
#      lesson and step, screenshots, training in the page, no network request); then
#      the threaded hosting build (web.sh --threads: the libraries again with -pthread,
#      cached too) served with the cross-origin isolation headers (test_web.py
#      --threads: training on threads, and the single-threaded build without the
#      headers). TLAB_NO_WEB=1 skips the pass, TLAB_NO_WEB_THREADS=1 its threaded half.
#      A cold library build takes a few minutes (SDL2's configure checks come from
#      scripts/web/sdl2-emscripten.cmake and sdl2-emscripten-pthread.cmake).
# One line per stage, with the time it took; build and install logs are kept in
# build/logs/ and printed when a stage fails. Wall times measured on a fresh root
# are in README.md and BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
times=()
stage() { echo; echo "test.sh: == $1 ==" >&2; ts=$(date +%s); }
done_stage() { times+=("$(printf '%-34s %4d s' "$1" $(($(date +%s) - ts)))"); }

stage "set-up (packages for building and testing)"
bash scripts/setup.sh test
done_stage "set-up"

stage "Release build"
bash scripts/build.sh --label "(Release)"
done_stage "Release build"

stage "pass 1 of 4: every test on the Release build ($(ctest --test-dir build -N | awk '/Total Tests/ {print $3}') tests)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
done_stage "pass 1: Release tests"

if [ "${TLAB_NO_ASAN:-0}" != 1 ]; then
  stage "ASan + UBSan build"
  bash scripts/build.sh --dir build-asan --label "(ASan + UBSan, for pass 2)" -- \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" -DTLAB_SANITIZE=ON -DTLAB_WERROR=OFF
  done_stage "ASan + UBSan build"
  stage "pass 2 of 4: every test again under ASan + UBSan (a few minutes)"
  # Leaks are reported at exit and turn the exit status non-zero; UBSan stops at the
  # first report (the build uses -fno-sanitize-recover=all). A test given the CTest
  # label no_asan would be skipped here (for one too slow under the sanitizers): none is.
  ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -LE no_asan
  done_stage "pass 2: ASan + UBSan tests"
fi
if [ "${TLAB_NO_FUZZ:-0}" != 1 ]; then
  stage "pass 3 of 4: fuzz harnesses, corpus replay and 3 s each (clang build)"
  bash scripts/fuzz.sh --ci
  done_stage "pass 3: fuzz build + replay"
fi
if [ "${TLAB_NO_WEB:-0}" != 1 ]; then
  web_threads=$([ "${TLAB_NO_WEB_THREADS:-0}" = 1 ] || echo --threads)
  stage "web build${web_threads:+, with the threaded one} (emscripten; the first time also the SDL2 libraries, cached: a few minutes)"
  bash scripts/web.sh $web_threads
  done_stage "web build"
  stage "pass 4 of 4: the web build in headless Chromium (tests/web/test_web.py)"
  python3 tests/web/test_web.py --json build/logs/web-test.json
  done_stage "pass 4: web test in Chromium"
  if [ -n "$web_threads" ]; then
    stage "pass 4, threaded: the hosting build with threads, served on 127.0.0.1 (test_web.py --threads)"
    python3 tests/web/test_web.py --threads --json build/logs/web-test-threads.json
    done_stage "pass 4: threaded page in Chromium"
  fi
fi
echo
echo "test.sh: all passed in $(($(date +%s) - t0)) s:" >&2
printf '  %s\n' "${times[@]}" >&2
