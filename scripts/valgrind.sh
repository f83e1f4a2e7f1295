#!/usr/bin/env bash
# valgrind.sh - Valgrind memcheck of a headless transformer-lab session driven
# by --script: types a sentence (with an umlaut, an unknown word and an
# emoji), walks every lesson and every step with Right, opens and closes the
# overlays, hovers, resizes, and exports (Ctrl+S, F12, Ctrl+Shift+S slide).
# Fails on any memcheck error or definite leak (--error-exitcode=1
# --leak-check=full --errors-for-leak-kinds=definite). Software renderer, so
# no suppressions are needed. Not in CI: it takes minutes (see docs/fuzzing.md).
#   scripts/valgrind.sh            BIN=build dir (default build; built when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build}
[ -x "$BIN/app/transformer-lab" ] || bash scripts/build.sh
APP=$BIN/app/transformer-lab
command -v valgrind >/dev/null || { echo "valgrind.sh: apt-get install valgrind" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=offscreen SDL_FRAMEBUFFER_ACCELERATION=0 SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy
export HOME=$T/home
# how many steps the lessons have, from a plain run's state dump
printf 'dump %s\nquit\n' "$T/d0.json" > "$T/s0.txt"
"$APP" --script "$T/s0.txt" >/dev/null
TOTAL=$(python3 -c 'import json,sys; print(sum(l["steps"] for l in json.load(open(sys.argv[1]))["lessons"]))' "$T/d0.json")
{
  echo "key slash"; echo "key ctrl+a"
  echo "type the small girl sees the Äpfel and a zebra 🦓"
  echo "key BackSpace"; echo "key ctrl+z"; echo "key Return"
  echo "key Home"
  for ((i = 0; i < TOTAL; i++)); do echo "move $((300 + 37 * i % 700)) $((250 + 23 * i % 400))"; echo "key Right"; done
  echo "key e"; echo "key Escape"; echo "key v"; echo "key Escape"; echo "key F1"; echo "key Escape"
  echo "resize 800 600"; echo "key ctrl+plus"; echo "key t"; echo "wait 1"
  echo "key ctrl+s"; echo "key F12"; echo "key ctrl+shift+s"; echo "wait 2"
  echo "dump $T/end.json"
  echo "quit"
} > "$T/s1.txt"
echo "valgrind.sh: $TOTAL lesson steps; running memcheck (a few minutes)" >&2
start=$(date +%s)
rc=0
valgrind --tool=memcheck --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
  --show-leak-kinds=definite --num-callers=30 --log-file="$T/vg.log" \
  "$APP" --script "$T/s1.txt" --size 1280x800 --export-dir "$T/exports" --export-size 960x540 || rc=$?
end=$(date +%s)
grep -E "ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable" "$T/vg.log" || true
[ "$rc" = 0 ] || { cat "$T/vg.log" >&2; echo "valgrind.sh: FAIL (exit $rc)" >&2; exit 1; }
n=$(ls "$T/exports" | wc -l)
[ "$n" = 3 ] || { echo "valgrind.sh: FAIL: $n exports, want 3" >&2; exit 1; }
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["lesson_index"] == d["n_lessons"] - 1, d["lesson_index"]' "$T/end.json"
echo "valgrind.sh: ok: no errors, no definite leaks, $TOTAL steps, 3 exports, $((end - start)) s" >&2
