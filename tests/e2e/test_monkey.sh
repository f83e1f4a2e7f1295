#!/usr/bin/env bash
# test_monkey.sh - the short monkey test (scripts/monkey.sh runs the full
# 20,000): transformer-lab headless takes 2,000 seeded random events (keys,
# text with random UTF-8 and invalid bytes, pastes, clicks, wheel, resizes
# from 1x1 to 4K, lesson jumps, exports; see app/monkey.c) through its real
# event loop. It must exit 0 (no crash, no assertion, no sanitizer report in
# the ASan pass), print both memory measurements with a heap growth of at
# most 10%, and every export must be a complete PNG with its own name (as many
# files as exports asked for: none overwritten, none left empty).
# Env: TLAB_BIN (build dir).
set -euo pipefail
BIN=${TLAB_BIN:?set TLAB_BIN to the build directory}
APP=$BIN/app/transformer-lab
N=${MONKEY_EVENTS:-2000}
SEED=${MONKEY_SEED:-1}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
export SDL_FRAMEBUFFER_ACCELERATION=${SDL_FRAMEBUFFER_ACCELERATION:-0}
export HOME=$T/home
fail() { echo "FAIL: $*" >&2; exit 1; }

rc=0
"$APP" --monkey "$N" --seed "$SEED" --export-dir "$T/exports" --export-size 640x360 2> "$T/err" || rc=$?
cat "$T/err" >&2
[ "$rc" = 0 ] || fail "transformer-lab --monkey $N --seed $SEED exited with $rc"
grep -q "^monkey: seed $SEED, $N events:" "$T/err" || fail "no event summary"
grep -q "^monkey: heap after 1000 events [0-9]* bytes .*; after $N events [0-9]* bytes .*heap growth" "$T/err" \
  || fail "no memory measurements"
exports=$(sed -n 's/^monkey: seed .* \([0-9]*\) exports$/\1/p' "$T/err")
[ "$exports" -gt 0 ] || fail "the monkey asked for no export"
files=$(find "$T/exports" -name '*.png' | wc -l)
# a slide or screenshot may legitimately fail only with a message on screen; none should here
[ "$files" = "$exports" ] || fail "$exports exports asked for, $files PNG files written"
for f in "$T/exports"/*.png; do
  [ -s "$f" ] || fail "empty export $f"
  head -c 8 "$f" | od -An -tx1 | tr -d ' \n' | grep -q '^89504e470d0a1a0a$' || fail "$f is not a PNG"
done
echo "monkey: $N events, seed $SEED, $files exports: ok"
