#!/usr/bin/env bash
# test_no_display.sh - the app started for a window where there is no display (no
# DISPLAY, no WAYLAND_DISPLAY, no SDL_VIDEODRIVER: over SSH, say) must not wait
# forever on SDL's dummy driver: it says there is no display, how to get one and
# what to run instead (the headless --export-all), and exits 1 at once. The headless
# modes still work in the same environment. --help needs no display either.
source "$(dirname "$0")/lib.sh"
unset DISPLAY WAYLAND_DISPLAY SDL_VIDEODRIVER
rc=0
timeout 20 "$APP" --sentence "the dog sees the cat" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 1 ] || fail "no display: exit $rc, want 1 (124 = it hung)"
grep -q "no display" "$T/err" || fail "no display: the message does not say so: $(cat "$T/err")"
grep -q -- "--export-all" "$T/err" || fail "no display: the message does not offer --export-all"
grep -q "Xvfb\|ssh -X" "$T/err" || fail "no display: the message does not say how to get a display"
[ ! -s "$T/out" ] || fail "no display: wrote to stdout: $(cat "$T/out")"
# --help needs no display
"$APP" --help >"$T/help" 2>&1 || fail "--help without a display failed"
grep -q -- "--export-all" "$T/help" || fail "--help printed no usage"
# the headless modes need none
printf 'key Right\nquit\n' > "$T/s.txt"
timeout 120 "$APP" --script "$T/s.txt" >/dev/null 2>"$T/err2" || fail "--script without a display failed: $(cat "$T/err2")"
echo "ok: no display -> exit 1 with a message; --help and --script work"
