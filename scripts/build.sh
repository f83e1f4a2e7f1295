#!/usr/bin/env bash
# build.sh [--dir DIR] [--target T]... [--label TEXT] [-- CMAKE_ARGS...]
# Configures and builds (Release into build/ unless cmake arguments say otherwise),
# quietly: one line, with how long a first build takes; the compiler's full
# output goes to DIR/../build/logs/<dir>.log and its end is printed when the build fails.
# Under CI (CI=true) warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build targets=() label="" cargs=()
while (($#)); do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --target) targets+=(--target "$2"); shift 2 ;;
    --label) label=$2; shift 2 ;;
    --) shift; cargs=("$@"); break ;;
    *) cargs+=("$1"); shift ;;
  esac
done
werror=OFF; [ "${CI:-}" = "true" ] && werror=ON
mkdir -p build/logs; log=build/logs/$(basename "$dir").log
start=$(date +%s)
if [ -f "$dir/CMakeCache.txt" ]; then what="building${label:+ $label} in $dir/ (only what changed) ..."
else what="building${label:+ $label} in $dir/ (first time: about 1-3 minutes on 2 cores) ..."; fi
echo "build: $what" >&2
: >"$log"
ok=1
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DTLAB_WERROR=$werror "${cargs[@]}" >>"$log" 2>&1 || ok=0
[ $ok = 1 ] && { cmake --build "$dir" -j"$(nproc)" "${targets[@]}" >>"$log" 2>&1 || ok=0; }
if [ $ok = 0 ]; then
  echo "build: FAILED. The errors (full log: $log):" >&2
  grep -E -B2 -A6 'error|Error|CMake Error' "$log" | head -n 80 >&2 || tail -n 60 "$log" >&2
  exit 1
fi
warn=$(grep -c 'warning:' "$log" || true)
suffix=""; [ "$warn" -gt 0 ] && suffix=", $warn compiler warnings (see $log)"
echo "build: done in $(($(date +%s) - start)) s$suffix" >&2
