#!/usr/bin/env bash
# test_app_headless.sh - drives transformer-lab headless like a user and checks
# what it produced: a script types a sentence, walks every lesson and step,
# hovers numbers, exports screenshots; the PNGs must exist with the right size
# and not be blank, the state dump must show the new sentence and the engine's
# translation (compared with tlab-run --trace-json), hovered values must equal
# the trace; --export-all writes one PNG per lesson/step; bad flags, a broken
# model, a missing font and a bad script give the documented exit codes.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
set -euo pipefail
BIN=${TLAB_BIN:?set TLAB_BIN to the build directory}
ASSETS=${TLAB_ASSETS:?set TLAB_ASSETS to the assets directory}
APP=$BIN/app/transformer-lab
RUN=$BIN/engine/tlab-run
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy}
export SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
export HOME=$T/home   # the default export folder must not touch the real home
fail() { echo "FAIL: $*" >&2; exit 1; }
png() { python3 "$HERE/pngcheck.py" "$@"; }
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }
# an image of the given size whose pixels are not all alike
check_png() { # FILE W H [ROWSTEP]
  [ -s "$1" ] || fail "missing image $1"
  read -r w h var < <(png "$1" "${4:-8}")
  [ "$w" = "$2" ] && [ "$h" = "$3" ] || fail "$1 is ${w}x$h, want $2x$3"
  if [ "${4:-8}" != 0 ]; then
    python3 -c "import sys; sys.exit(0 if float('$var') > 200 else 1)" || fail "$1 looks blank (variance $var)"
  fi
}

# ---- 1. the lessons and their steps, from a first dump
printf 'dump %s\nquit\n' "$T/d0.json" > "$T/s0.txt"
"$APP" --script "$T/s0.txt" --size 1280x800 || fail "first script run failed"
TOTAL=$(jget "$T/d0.json" 'sum(l["steps"] for l in d["lessons"])')
NLES=$(jget "$T/d0.json" 'len(d["lessons"])')
[ "$NLES" -ge 2 ] || fail "expected at least 2 lessons, got $NLES"
echo "lessons: $NLES, steps in all: $TOTAL"

# ---- 2. type a sentence, walk every lesson and step, hover, export
SENT="the girl likes the small cat"
{
  echo "key slash"
  echo "key ctrl+a"
  echo "type $SENT"
  echo "key Return"
  echo "key Home"
  for ((i = 0; i < TOTAL; i++)); do echo "screenshot $T/nav-$i.png"; echo "key Right"; done
  echo "dump $T/end.json"
  echo "lesson tokens"
  for y in 255 265 275 285; do for x in 300 360 420 480 540 600; do
    echo "move $x $y"; echo "wait 1"; echo "dump $T/tok-$x-$y.json"
  done; done
  echo "lesson positional-encoding"
  echo "key Right"
  echo "move 700 400"
  echo "wait 1"
  echo "dump $T/pe.json"
  echo "key ctrl+s"
  echo "key F12"
  echo "key ctrl+shift+s"
  echo "wait 2"
  echo "quit"
} > "$T/s1.txt"
"$APP" --script "$T/s1.txt" --size 1280x800 --export-dir "$T/exports" --export-size 1280x720 || fail "script run failed"

# every lesson and step was visited and drawn
for ((i = 0; i < TOTAL; i++)); do check_png "$T/nav-$i.png" 1280 800 0; done
check_png "$T/nav-0.png" 1280 800
check_png "$T/nav-$((TOTAL - 1)).png" 1280 800
[ "$(jget "$T/end.json" 'd["lesson_index"]')" = "$((NLES - 1))" ] || fail "Right did not reach the last lesson"

# the state dump shows the typed sentence and the engine's own translation
"$RUN" --trace-json "$T/trace.json" "$SENT" > /dev/null
[ "$(jget "$T/pe.json" 'd["sentence"]')" = "$SENT" ] || fail "dump sentence differs"
[ "$(jget "$T/pe.json" 'd["translation"]')" = "$(jget "$T/trace.json" 'd["translation"]')" ] || fail "translation differs from tlab-run"
[ "$(jget "$T/pe.json" 'd["src_ids"]')" = "$(jget "$T/trace.json" 'd["src_ids"]')" ] || fail "src ids differ from tlab-run"
[ "$(jget "$T/pe.json" 'd["out_ids"]')" = "$(jget "$T/trace.json" 'd["out_ids"][:d["n_out"]]')" ] || fail "output ids differ from tlab-run"

# hovering token chips reports the trace's ids
python3 - "$T" <<'EOF' || fail "token hover check"
import glob, json, re, sys
t = sys.argv[1]
trace = json.load(open(t + "/trace.json"))
hits = 0
for f in glob.glob(t + "/tok-*.json"):
    h = json.load(open(f))["hover"]
    if not h: continue
    m = re.match(r"position (\d+):", h["label"])
    if not m: continue
    pos = int(m.group(1))
    assert h["value"] == trace["src_ids"][pos], (f, h, trace["src_ids"])
    hits += 1
assert hits >= 3, "hovered only %d encoder chips" % hits
print("token chips hovered:", hits)
EOF

# hovering the PE heatmap reports the exact PE value (sin for even, cos for odd dims)
python3 - "$T/pe.json" "$T/trace.json" <<'EOF' || fail "PE hover check"
import json, math, re, struct, sys
d = json.load(open(sys.argv[1]))
D = json.load(open(sys.argv[2]))["config"]["d_model"]
h = d["hover"]
assert h, "nothing hovered on the PE heatmap"
m = re.match(r"PE\[(\d+)\]\[(\d+)\]", h["label"])
assert m, h
pos, dim = int(m.group(1)), int(m.group(2))
w = 10000.0 ** (-(dim - dim % 2) / D)
ref = math.sin(pos * w) if dim % 2 == 0 else math.cos(pos * w)
assert abs(h["value"] - ref) < 2e-6, (h, ref)
print("PE hover", h["label"], h["value"], "reference", ref)
EOF

# Ctrl+S and F12 (same second or not) give two files, the slide has the export size
n=$(ls "$T/exports"/positional-encoding-2*.png 2>/dev/null | grep -vc slide || true)
[ "$n" = 2 ] || fail "expected 2 screenshots, found $n: $(ls "$T/exports" 2>&1)"
for f in "$T/exports"/positional-encoding-2*.png; do
  [[ "$(basename "$f")" =~ ^positional-encoding-[0-9]{8}-[0-9]{6}(-[0-9]+)?\.png$ ]] || fail "bad export name $f"
  check_png "$f" 1280 800 0
done
slide=$(ls "$T/exports"/positional-encoding-slide-*.png | head -1)
check_png "$slide" 1280 720

# ---- 3. --export-all: one PNG per lesson and step, at the asked size
"$APP" --export-all "$T/all" --export-size 800x600 --theme light --sentence "a young woman does not help the old man" \
  2> "$T/all.err" || fail "--export-all failed: $(cat "$T/all.err")"
[ "$(ls "$T/all"/*.png | wc -l)" = "$TOTAL" ] || fail "--export-all wrote $(ls "$T/all" | wc -l) files, want $TOTAL"
python3 - "$T/d0.json" "$T/all" <<'EOF' || fail "export-all names"
import json, os, sys
d = json.load(open(sys.argv[1]))
want = set()
for l in d["lessons"]:
    if l["steps"] == 1: want.add("%02d-%s.png" % (l["number"], l["slug"]))
    else: want.update("%02d-%s-step%d.png" % (l["number"], l["slug"], k + 1) for k in range(l["steps"]))
have = set(os.listdir(sys.argv[2]))
assert have == want, (sorted(have ^ want))
EOF
for f in "$T/all"/*.png; do check_png "$f" 800 600 0; done
check_png "$(ls "$T/all"/*.png | head -1)" 800 600 4

# unwritable export folder: message and exit 1
set +e
"$APP" --export-all /proc/forbidden/x 2> "$T/err.txt"; rc=$?
set -e
[ $rc = 1 ] || fail "unwritable --export-all gave $rc, want 1"
grep -q "cannot create folder" "$T/err.txt" || fail "no reason for unwritable folder: $(cat "$T/err.txt")"

# ---- 4. bad command lines, broken model, missing font, bad script
expect_rc() { # RC GREP ARGS...
  local want=$1 pat=$2; shift 2
  set +e; "$APP" "$@" > "$T/out.txt" 2> "$T/err.txt"; local rc=$?; set -e
  [ "$rc" = "$want" ] || fail "'$*' exit $rc, want $want; stderr: $(cat "$T/err.txt")"
  grep -q -- "$pat" "$T/err.txt" || fail "'$*': stderr lacks '$pat': $(cat "$T/err.txt")"
}
expect_rc 2 "usage: transformer-lab" --no-such-flag
expect_rc 2 "usage: transformer-lab" --theme pink
expect_rc 2 "usage: transformer-lab" --export-size 12
expect_rc 2 "needs a value" --model
"$APP" --help | grep -q -- "--export-all" || fail "--help lacks --export-all"
"$APP" --version | grep -q "transformer-lab" || fail "--version"
mkdir -p "$T/assets-nomodel" "$T/assets-nofont"
ln -s "$ASSETS/fonts" "$T/assets-nomodel/fonts"
printf 'not a safetensors file at all' > "$T/broken.safetensors"
expect_rc 3 "cannot load model" --assets "$T/assets-nomodel" --model "$T/broken.safetensors" --export-all "$T/x"
expect_rc 3 "no usable model" --assets "$T/assets-nomodel" --export-all "$T/x"
expect_rc 1 "font file missing" --assets "$T/assets-nofont" --export-all "$T/x"
# a broken --model with a working default falls back and says so
printf 'dump %s\nquit\n' "$T/fb.json" > "$T/s2.txt"
"$APP" --model "$T/broken.safetensors" --script "$T/s2.txt" 2> "$T/err.txt" || fail "fallback run failed"
grep -q "cannot load model" "$T/err.txt" || fail "no message for the broken model"
printf 'key Right\nclick 1\nquit\n' > "$T/bad.txt"
expect_rc 2 "bad.txt:2:" --script "$T/bad.txt"
expect_rc 2 "no lesson" --lesson no-such-lesson --export-all "$T/x"
echo "1 passed, 0 failed"
