#!/usr/bin/env bash
# run_harness.sh HARNESS CORPUS SECONDS - one CTest run of a libFuzzer harness.
# SECONDS 0: replay every file of CORPUS once (a regression check).
# SECONDS > 0: fuzz that long from CORPUS (seed 1: reproducible start), new
# inputs into a temporary folder, never into the committed corpus.
# Exits non-zero on any crash, sanitizer report, leak or timeout.
set -euo pipefail
h=$1 corpus=$2 secs=$3
[ -d "$corpus" ] || { echo "no corpus folder $corpus" >&2; exit 1; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t"   # crash-* files land here, not in the source tree
if [ "$secs" = 0 ]; then
  n=$(find "$corpus" -type f | wc -l)
  [ "$n" -gt 0 ] || { echo "empty corpus $corpus" >&2; exit 1; }
  "$h" -runs=0 -timeout=60 -rss_limit_mb=2560 "$corpus" 2>&1 | tail -3
  echo "replayed $n files"
else
  mkdir new
  "$h" -seed=1 -max_total_time="$secs" -timeout=60 -rss_limit_mb=2560 -max_len=4096 new "$corpus" 2>&1 | tail -3
fi
