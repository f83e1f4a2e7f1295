#!/usr/bin/env bash
# test_app_headless.sh - drives transformer-lab headless like a user and checks
# what it produced: a script types a sentence, walks every lesson and step
# (a state dump at each), hovers numbers, exports screenshots; the PNGs must
# exist with the right size and not be blank, the state dump must show the new
# sentence and the engine's translation (compared with tlab-run --trace-json),
# hovered values must equal the trace; keys typed into the sentence box never
# navigate; --export-all writes one PNG per lesson/step; bad flags, a broken
# model, a missing font and a bad script give the documented exit codes.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(dirname "$0")/lib.sh" # BIN ASSETS APP RUN HERE T MODEL, headless SDL, HOME in T, fail, check_png, png_ok
# pngs STEP W H FILE...: every file is W x H; with STEP > 0 also not blank
pngs() {
  local step=$1 w=$2 h=$3; shift 3
  python3 "$HERE/pngcheck.py" --step "$step" "$@" > "$T/png.txt" || fail "unreadable PNG among $*"
  python3 - "$w" "$h" "$T/png.txt" "$#" <<'EOF' || fail "PNG check: $(cat "$T/png.txt")"
import sys
w, h, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[4])
lines = [l.split() for l in open(sys.argv[3])]
assert len(lines) == n, "checked %d of %d files" % (len(lines), n)
for f, fw, fh, var in lines:
    assert (int(fw), int(fh)) == (w, h), "%s is %sx%s, want %dx%d" % (f, fw, fh, w, h)
    assert var == "-" or float(var) > 200, "%s looks blank (variance %s)" % (f, var)
EOF
}

# ---- 1. type a sentence, walk every lesson and step, hover, export
SENT="the girl likes the small cat"
{
  echo "dump $T/d0.json"
  echo "key slash"
  echo "key ctrl+a"
  echo "type $SENT"
  echo "key Return"
  echo "key Home"
  echo "screenshot $T/first.png"
  for ((i = 0; i < 80; i++)); do echo "dump $T/nav-$i.json"; echo "key Right"; done
  echo "screenshot $T/last.png"
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
"$APP" --script "$T/s1.txt" --size 1280x800 --export-dir "$T/exports" --export-size 960x540 || fail "script run failed"
"$RUN" --trace-json "$T/trace.json" "$SENT" > /dev/null

PYTHONPATH=$HERE python3 - "$T" "$SENT" <<'EOF' || fail "state dumps"
import e2e_util, json, math, re, sys
t, sent = sys.argv[1], sys.argv[2]
d0 = json.load(open(t + "/d0.json"))
lessons = d0["lessons"]
assert len(lessons) >= 2, lessons
# every lesson and every step was visited, in order, by Right
seen = []
for i in range(80):
    d = json.load(open("%s/nav-%d.json" % (t, i)))
    key = (d["lesson_slug"], d["step"])
    if not seen or seen[-1] != key: seen.append(key)
want = [(l["slug"], k) for l in lessons for k in range(l["steps"])]
assert seen == want, ("visited", seen, "want", want)
# the dump shows the typed sentence and the engine's own translation
trace = json.load(open(t + "/trace.json"))
pe = json.load(open(t + "/pe.json"))
assert pe["sentence"] == sent, pe["sentence"]
assert pe["translation"] == trace["translation"], (pe["translation"], trace["translation"])
assert pe["src_ids"] == trace["src_ids"], (pe["src_ids"], trace["src_ids"])
assert pe["out_ids"] == trace["out_ids"][:trace["n_out"]], (pe["out_ids"], trace["out_ids"])
# hovering token chips reports the trace's ids
hits = 0
for h, m in e2e_util.hover_matches(t + "/tok-*.json", r"position (\d+):"):
    assert h["value"] == trace["src_ids"][int(m.group(1))], (h, trace["src_ids"])
    hits += 1
assert hits >= 3, "hovered only %d encoder chips" % hits
# hovering the PE heatmap reports the exact PE value (sin for even, cos for odd dims)
h = pe["hover"]
assert h, "nothing hovered on the PE heatmap"
m = re.match(r"PE\[(\d+)\]\[(\d+)\]", h["label"])
assert m, h
pos, dim = int(m.group(1)), int(m.group(2))
D = trace["config"]["d_model"]
w = 10000.0 ** (-(dim - dim % 2) / D)
ref = math.sin(pos * w) if dim % 2 == 0 else math.cos(pos * w)
assert abs(h["value"] - ref) < 2e-6, (h, ref)
print("visited %d lesson steps; %d chips hovered; %s = %s (reference %s)" % (len(seen), hits, h["label"], h["value"], ref))
EOF
pngs 8 1280 800 "$T/first.png" "$T/last.png"

# Ctrl+S and F12 (same second or not) give two files, the slide has the export size
shots=("$T/exports"/positional-encoding-2*.png)
[ "${#shots[@]}" = 2 ] || fail "expected 2 screenshots: $(ls "$T/exports" 2>&1)"
for f in "${shots[@]}"; do
  [[ "$(basename "$f")" =~ ^positional-encoding-[0-9]{8}-[0-9]{6}(-[0-9]+)?\.png$ ]] || fail "bad export name $f"
done
pngs 0 1280 800 "${shots[@]}"
pngs 8 960 540 "$T/exports"/positional-encoding-step*-slide-*.png

# ---- 1b. Ctrl+Shift+D: the deck (every step of every lesson as a slide, deck.json, deck.pdf when cairo is
# in) in a new folder of the export folder; the window is left at its lesson and step; twice: two folders
cat > "$T/s5.txt" <<EOF
lesson positional-encoding
key Right
key ctrl+shift+d
wait 3
key ctrl+shift+d
wait 3
dump $T/deck-after.json
quit
EOF
"$APP" --script "$T/s5.txt" --size 1280x800 --export-dir "$T/deckexp" --export-size 960x540 || fail "deck script failed"
python3 - "$T" <<'EOF' || fail "Ctrl+Shift+D deck"
import glob, json, os, sys
t = sys.argv[1]
d = json.load(open(t + "/deck-after.json"))
assert (d["lesson_slug"], d["step"]) == ("positional-encoding", 1), ("the window moved", d["lesson_slug"], d["step"])
want = sum(l["steps"] for l in d["lessons"])
dirs = sorted(glob.glob(t + "/deckexp/deck-*"))
assert len(dirs) == 2, ("two presses, two folders", dirs)
for dr in dirs:
    pngs = sorted(glob.glob(dr + "/*.png"))
    assert len(pngs) == want, (dr, len(pngs), want)
    listing = json.load(open(dr + "/deck.json"))
    assert [s["file"] for s in listing["slides"]] == [os.path.basename(p) for p in pngs], dr
    assert listing["size"] == [960, 540], listing["size"]
    for p in pngs:
        with open(p, "rb") as f:
            h = f.read(24)
        assert h[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(h[16:20], "big") == 960, p
    assert os.path.getsize(dr + "/deck.pdf") > 10000, dr
assert "Saved the deck in" in d.get("toast", ""), d.get("toast")
print("Ctrl+Shift+D: %d slides and deck.json, deck.pdf in each of %s" % (want, [os.path.basename(x) for x in dirs]))
EOF

# ---- 2. keys typed into the box never navigate; undo; theme and zoom keys
cat > "$T/s4.txt" <<EOF
lesson tokens
key slash
key Right
key 3
key PageDown
key End
type  x
dump $T/k1.json
key ctrl+z
key Escape
key 3
key t
key ctrl+plus
dump $T/k2.json
quit
EOF
"$APP" --script "$T/s4.txt" --sentence "the dog sees the cat" || fail "key script failed"
python3 - "$T" <<'EOF' || fail "keys"
import json, sys
k1 = json.load(open(sys.argv[1] + "/k1.json")); k2 = json.load(open(sys.argv[1] + "/k2.json"))
assert k1["lesson_slug"] == "tokens", "keys in the sentence box navigated"
assert k1["focus"] == 1
assert k1["sentence"] == "the dog sees the cat x", k1["sentence"]
assert k2["sentence"] == "the dog sees the cat", "Ctrl+Z did not undo: " + k2["sentence"]
assert k2["lesson_number"] == 3, "key 3 after Esc did not go to lesson 3"
assert k2["theme"] == "light" and k2["zoom"] > 1.05, (k2["theme"], k2["zoom"])
EOF

# ---- 3. --export-all: one slide PNG per lesson and step, at the asked size, and the deck (PDF, listing)
"$APP" --export-all "$T/all" --export-size 640x400 --theme light --sentence "a young woman does not help the old man" \
  2> "$T/all.err" || fail "--export-all failed: $(cat "$T/all.err")"
python3 - "$T/d0.json" "$T/all" <<'EOF' || fail "export-all names"
import json, os, sys
d = json.load(open(sys.argv[1]))
want = set()
for l in d["lessons"]:
    if l["steps"] == 1: want.add("%02d-%s.png" % (l["number"], l["slug"]))
    else: want.update("%02d-%s-step%d.png" % (l["number"], l["slug"], k + 1) for k in range(l["steps"]))
want.update(["deck.pdf", "deck.json"])
have = set(os.listdir(sys.argv[2]))
assert have == want, sorted(have ^ want)
EOF
pngs 0 640 400 "$T/all"/*.png
pngs 4 640 400 "$(ls "$T/all"/*.png | head -1)"
# the same folder again: nothing overwritten, nothing written, exit 1 with the reason
sum_before=$(cat "$T/all"/*.png | md5sum)
set +e; "$APP" --export-all "$T/all" --export-size 640x400 --sentence "the cat" 2> "$T/all2.err"; rc=$?; set -e
[ "$rc" = 1 ] || fail "--export-all into a used folder: exit $rc, want 1"
grep -q "00-overview.png already exists.*never overwrites" "$T/all2.err" || fail "used folder: $(cat "$T/all2.err")"
[ "$(cat "$T/all"/*.png | md5sum)" = "$sum_before" ] || fail "--export-all changed files in a used folder"
# one name taken (a file of the user's): still nothing written
mkdir "$T/one"; echo mine > "$T/one/05-attention-step3.png"
set +e; "$APP" --export-all "$T/one" --export-size 640x400 2> "$T/one.err"; rc=$?; set -e
[ "$rc" = 1 ] && [ "$(ls "$T/one")" = 05-attention-step3.png ] && [ "$(cat "$T/one/05-attention-step3.png")" = mine ] \
  || fail "one taken name: exit $rc, folder $(ls "$T/one"), $(cat "$T/one.err")"

# ---- 4. bad command lines, broken model, missing font, bad script, unwritable folder
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
expect_rc 1 "cannot create folder" --export-all /proc/forbidden/x
printf 'key Right\nclick 1\nquit\n' > "$T/bad.txt"
expect_rc 2 "bad.txt:2:" --script "$T/bad.txt"
expect_rc 2 "no lesson" --lesson no-such-lesson --export-all "$T/x"
# a broken --model with a working default falls back, says so, and goes on
printf 'dump %s\nquit\n' "$T/fb.json" > "$T/s2.txt"
"$APP" --model "$T/broken.safetensors" --script "$T/s2.txt" 2> "$T/err.txt" || fail "fallback run failed"
grep -q "cannot load model" "$T/err.txt" || fail "no message for the broken model"
echo "1 passed, 0 failed"
