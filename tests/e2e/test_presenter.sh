#!/usr/bin/env bash
# test_presenter.sh - the slide-software keys (issue 14 item 5, app/presenter.c):
# B blanks the screen to black and W to white, any key or click brings the lesson
# back (the dump's "blank" says which, the screenshot is all black / all white,
# then a drawn lesson again); Ctrl+L turns the spotlight on (dump "spotlight",
# the screenshot darker far from the pointer than at it); while the sentence box
# has the focus B and W are letters; Ctrl+B still hides the lesson list; Ctrl+S
# on a blank screen brings the lesson back and saves it (the PNG is the lesson,
# not the blank), so an export asked for is never lost.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
. "$(dirname "$0")/lib.sh"
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }
# pixel FILE: "MIN MAX" of the grey values; at X Y: the grey value there
pixel() {
  python3 - "$HERE" "$@" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from pngcheck import read_png, unfilter
w, h, bpp, raw = read_png(sys.argv[2])
rows = unfilter(w, h, bpp, raw)
grey = lambda x, y: sum(rows[y][x * bpp:x * bpp + 3]) // 3
if len(sys.argv) > 3:
    print(grey(int(sys.argv[3]), int(sys.argv[4])))
else:
    vals = [grey(x, y) for y in range(0, h, 3) for x in range(0, w, 3)]
    print(min(vals), max(vals))
PY
}
cat > "$T/s.txt" <<S
wait 1
key b
wait 1
dump $T/black.json
screenshot $T/black.png
key Right
wait 1
dump $T/back.json
screenshot $T/back.png
key w
wait 1
dump $T/white.json
screenshot $T/white.png
click 300 300
wait 1
dump $T/clicked.json
key ctrl+l
move 320 300
wait 1
dump $T/spot.json
screenshot $T/spot.png
key ctrl+l
key ctrl+b
key slash
key End
type  bw
key Escape
wait 1
dump $T/typed.json
key b
wait 1
key ctrl+s
wait 1
dump $T/saved.json
quit
S
"$APP" --size 640x480 --lesson 1 --export-dir "$T/exports" --script "$T/s.txt" 2> "$T/err" || { cat "$T/err" >&2; fail "the app failed"; }
[ "$(jget "$T/black.json" 'd["blank"]')" = black ] || fail "B did not blank to black"
[ "$(pixel "$T/black.png")" = "0 0" ] || fail "B: the screen is not all black ($(pixel "$T/black.png"))"
[ "$(jget "$T/back.json" 'd["blank"]')" = none ] || fail "a key did not bring the screen back"
[ "$(jget "$T/back.json" 'd["step"]')" = "$(jget "$T/black.json" 'd["step"]')" ] || fail "the key that ended the blank also moved the step"
png_ok "$T/back.png" 640 480
[ "$(jget "$T/white.json" 'd["blank"]')" = white ] || fail "W did not blank to white"
[ "$(pixel "$T/white.png")" = "255 255" ] || fail "W: the screen is not all white ($(pixel "$T/white.png"))"
[ "$(jget "$T/clicked.json" 'd["blank"]')" = none ] || fail "a click did not bring the screen back"
[ "$(jget "$T/spot.json" 'd["spotlight"]')" = 1 ] || fail "Ctrl+L did not turn the spotlight on"
# the same background pixel inside the spotlight and far outside it: the outside is dimmed
at=$(pixel "$T/spot.png" 320 470); out=$(pixel "$T/spot.png" 5 470); ref=$(pixel "$T/back.png" 5 470)
[ "$out" -lt "$ref" ] || [ "$ref" -lt 20 ] || fail "outside the spotlight is not dimmed ($out vs $ref)"
[ "$(jget "$T/typed.json" 'd["blank"]')" = none ] || fail "B typed into the sentence box blanked the screen"
[ "$(jget "$T/typed.json" 'd["spotlight"]')" = 0 ] || fail "Ctrl+L again did not turn the spotlight off"
[ "$(jget "$T/typed.json" 'd["sentence"].endswith("bw")')" = True ] || fail "B and W were not typed into the box: $(jget "$T/typed.json" 'd["sentence"]')"
[ "$(jget "$T/typed.json" 'd["sidebar"]')" = 0 ] || fail "Ctrl+B did not hide the lesson list"
[ "$(jget "$T/saved.json" 'd["blank"]')" = none ] || fail "Ctrl+S did not bring the blank screen back"
saved=("$T/exports"/*.png)
[ "${#saved[@]}" = 1 ] && [ -s "${saved[0]}" ] || fail "Ctrl+S on a blank screen saved no PNG: $(ls "$T/exports" 2>&1)"
[ "$(pixel "${saved[0]}")" != "0 0" ] || fail "Ctrl+S on a blank screen saved the blank, not the lesson"
echo "test_presenter: ok"
