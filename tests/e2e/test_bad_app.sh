#!/usr/bin/env bash
# test_bad_app.sh - the app side of docs/bad-input.md: transformer-lab,
# headless, given bad sentences (typed and pasted), bad model files, a missing
# font, missing lesson texts, export folders that do not exist, cannot exist
# (a path under a regular file) or are full, the smallest window, and three
# exports in the same second. Each case checks the exit code, the message on
# stderr or on screen (the "toast" of the state dump) and the files written.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
set -euo pipefail
BIN=${TLAB_BIN:?set TLAB_BIN to the build directory}
ASSETS=${TLAB_ASSETS:?set TLAB_ASSETS to the assets directory}
APP=$BIN/app/transformer-lab
MK=$BIN/engine/tlab-mkmodel
T=$(mktemp -d)
MNT=""
cleanup() { [ -n "$MNT" ] && umount "$MNT" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
export SDL_FRAMEBUFFER_ACCELERATION=${SDL_FRAMEBUFFER_ACCELERATION:-0}
export HOME=$T/home
fail() { echo "FAIL: $*" >&2; exit 1; }
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }
# run CODE ARGS...: runs the app, stderr to $T/err, checks the exit code
run() {
  local want=$1 rc=0; shift
  "$APP" "$@" 2> "$T/err" > /dev/null || rc=$?
  [ "$rc" = "$want" ] || { cat "$T/err" >&2; fail "transformer-lab $* exited $rc, want $want"; }
}
errhas() { grep -q -- "$1" "$T/err" || { cat "$T/err" >&2; fail "stderr lacks '$1'"; }; }

# ---- sentences, typed through the real event path (one code point per event)
sentence_case() { # NAME TEXT-LINE(S) -> $T/NAME.json
  printf 'key slash\nkey ctrl+a\nkey BackSpace\n%s\nkey Return\nwait 1\nscreenshot %s\ndump %s\nquit\n' \
    "$2" "$T/$1.png" "$T/$1.json" > "$T/$1.txt"
  run 0 --script "$T/$1.txt"
  [ -s "$T/$1.png" ] || fail "$1: no screenshot"
}
sentence_case empty ""
[ "$(jget "$T/empty.json" 'd["sentence"]')" = "" ] || fail "empty: sentence not empty"
[ "$(jget "$T/empty.json" 'd["tokens"]')" = "['<eos>']" ] || fail "empty: tokens $(jget "$T/empty.json" 'd["tokens"]')"
sentence_case spaces "type      "
[ "$(jget "$T/spaces.json" 'len(d["words"])')" = 0 ] || fail "spaces: words"
sentence_case emoji $'type \xF0\x9F\x98\x80 \xF0\x9F\x90\xB6 the dog'
[ "$(jget "$T/emoji.json" 'd["n_unk"]')" = 2 ] || fail "emoji: n_unk"
sentence_case cjk $'type \xE4\xBD\xA0\xE5\xA5\xBD \xE4\xB8\x96\xE7\x95\x8C'
[ "$(jget "$T/cjk.json" 'd["n_unk"]')" = 2 ] || fail "cjk: n_unk"
sentence_case rtl $'type \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 the cat'
[ "$(jget "$T/rtl.json" 'd["n_unk"]')" = 2 ] || fail "rtl: n_unk"
sentence_case invalid $'type the \xFF\xFE dog \xC3 cat \xED\xA0\x80'
[ "$(jget "$T/invalid.json" 'd["n_unk"]')" -ge 1 ] || fail "invalid: no <unk>"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/invalid.json" || fail "invalid: dump is not JSON"
sentence_case unknown "type zebra ate my homework"
[ "$(jget "$T/unknown.json" 'd["n_unk"]')" = 4 ] || fail "unknown: n_unk"
[ "$(jget "$T/unknown.json" 'sorted({s["word"] for s in d["suggestions"]})')" = "['ate', 'zebra']" ] \
  || fail "unknown: suggestions for $(jget "$T/unknown.json" '[s["word"] for s in d["suggestions"]]')"
# "did you mean": each unknown word once (teh twice), none for an emoji; a click on an offer
# replaces that word in the box, and the second "teh" is offered next
sentence_case sugg $'type teh dog and teh cat \xF0\x9F\x90\xB6'
python3 - "$T/sugg.json" <<'EOF' || fail "suggestions"
import json, sys
d = json.load(open(sys.argv[1])); s = d["suggestions"]
words = [x["word"] for x in s]
assert sorted(set(words)) == ["and", "teh"], words
assert all(x["token"] in (0, 2) for x in s), s           # the first "teh" (token 0), not token 3
assert [x["offer"] for x in s if x["word"] == "teh"][0] == "the", s
assert all(x["rect"][0] + x["rect"][2] <= d["window"][0] for x in s), (d["window"], s)
EOF
# more unknown words than the status line holds: the offers drawn all lie inside the window
sentence_case manyunk "type zebra ate my homework teh dgo sess teh cat and reads the qqq hosue"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["suggestions"]; assert s and all(x["rect"][0] + x["rect"][2] <= d["window"][0] for x in s), (d["window"], s)' "$T/manyunk.json" \
  || fail "many unknown words: offers drawn outside the window"
read -r X Y < <(jget "$T/sugg.json" '" ".join(str(v) for v in [[s["rect"][0] + s["rect"][2] // 2, s["rect"][1] + s["rect"][3] // 2] for s in d["suggestions"] if s["offer"] == "the"][0])')
printf 'key slash\nkey ctrl+a\nkey BackSpace\n%s\nkey Return\nwait 1\nclick %s %s\nwait 1\ndump %s\nquit\n' \
  $'type teh dog and teh cat \xF0\x9F\x90\xB6' "$X" "$Y" "$T/sugg2.json" > "$T/sugg2.txt"
run 0 --script "$T/sugg2.txt"
[ "$(jget "$T/sugg2.json" 'd["sentence"]')" = $'the dog and teh cat \xF0\x9F\x90\xB6' ] || fail "click on 'the': $(jget "$T/sugg2.json" 'd["sentence"]')"
[ "$(jget "$T/sugg2.json" 'sorted({s["token"] for s in d["suggestions"]})')" = "[2, 3]" ] || fail "after the click: $(jget "$T/sugg2.json" 'd["suggestions"]')"
# control characters: typed ones are dropped by the box; given with --sentence they separate words
printf 'dump %s\nquit\n' "$T/ctl.json" > "$T/ctl.txt"
run 0 --script "$T/ctl.txt" --sentence $'the\x01dog\x7fsees\tthe cat'
[ "$(jget "$T/ctl.json" 'd["words"]')" = "['the', 'dog', 'sees', 'the', 'cat']" ] \
  || fail "control: words $(jget "$T/ctl.json" 'd["words"]')"
# 10,000 characters (--sentence; a paste is the same textbox_insert): the box keeps what fits, the
# model gets the first L-1 words, and the cut is flagged
LONG=$(python3 -c 'print("the dog " * 1250, end="")')
printf 'dump %s\nscreenshot %s\nquit\n' "$T/long.json" "$T/long.png" > "$T/long.txt"
run 0 --script "$T/long.txt" --sentence "$LONG"
[ "$(jget "$T/long.json" 'd["truncated"]')" = 1 ] || fail "long: not flagged as cut"
[ "$(jget "$T/long.json" 'len(d["words"])')" = 31 ] || fail "long: words"
[ "$(jget "$T/long.json" 'len(d["sentence"].encode()) < 1024')" = True ] || fail "long: box overflow"

# ---- model files: a bad --model falls back to the shipped model with a message; none usable: exit 3
printf 'dump %s\nquit\n' "$T/m.json" > "$T/m.txt"
: > "$T/empty.safetensors"
run 0 --script "$T/m.txt" --model "$T/empty.safetensors"
errhas "cannot load model $T/empty.safetensors: .*file is empty"
[ "$(jget "$T/m.json" 'd["model"]')" = "$ASSETS/model.safetensors" ] || fail "no fallback to the shipped model"
head -c 100000 "$ASSETS/model.safetensors" > "$T/cut.safetensors"
run 0 --script "$T/m.txt" --model "$T/cut.safetensors"; errhas "truncated"
python3 - "$ASSETS/model.safetensors" "$T" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read(); n = struct.unpack('<Q', d[:8])[0]; out = sys.argv[2]
open(out + '/huge.safetensors', 'wb').write(struct.pack('<Q', 1 << 40) + d[8:])
h = d[8:8 + n].replace(b'"F32"', b'"F16"', 1)
open(out + '/f16.safetensors', 'wb').write(d[:8] + h + d[8 + n:])
open(out + '/nan.safetensors', 'wb').write(d[:8 + n] + b'\x00\x00\xc0\x7f' * ((len(d) - 8 - n) // 4))
import json
meta = json.loads(d[8:8 + n])['__metadata__']
open(out + '/vocab.txt', 'w').write('\n'.join(json.loads(meta['vocab'])) + '\n')
PY
run 0 --script "$T/m.txt" --model "$T/huge.safetensors"; errhas "absurd"
run 0 --script "$T/m.txt" --model "$T/f16.safetensors"; errhas "only F32 is supported"
run 0 --script "$T/m.txt" --model "$T/nan.safetensors"; errhas "NaN"
mkdir -p "$T/nomodels"; ln -s "$ASSETS/fonts" "$T/nomodels/fonts"
run 3 --script "$T/m.txt" --assets "$T/nomodels" --model "$T/nan.safetensors"; errhas "no usable model"
# a model of another size (same vocabulary): every lesson and step draws with it
"$MK" --out "$T/other.safetensors" --vocab "$T/vocab.txt" --d-model 32 --heads 2 --enc-layers 3 --dec-layers 1 \
  --d-ff 48 --max-len 12 --seed 3 > /dev/null
{ echo "dump $T/o0.json"; echo "key Home"
  for i in $(seq 1 60); do echo "key Right"; done
  echo "screenshot $T/other.png"; echo "dump $T/o1.json"; echo "quit"; } > "$T/o.txt"
run 0 --script "$T/o.txt" --model "$T/other.safetensors" --sentence "the old man sees the small brown dog in the garden"
[ "$(jget "$T/o1.json" 'd["model"]')" = "$T/other.safetensors" ] || fail "other size: not loaded"
[ "$(jget "$T/o1.json" 'd["lesson_index"] == d["n_lessons"] - 1')" = True ] || fail "other size: did not reach the last lesson"

# ---- missing font, missing lesson texts
mkdir -p "$T/nofont"; ln -s "$ASSETS/lessons" "$T/nofont/lessons"; ln -s "$ASSETS/model.safetensors" "$T/nofont/"
run 1 --script "$T/m.txt" --assets "$T/nofont"; errhas "font"
printf 'key Home\nscreenshot %s\nkey Right\nkey Right\ndump %s\nquit\n' "$T/nolang.png" "$T/nolang.json" > "$T/nl.txt"
run 0 --script "$T/nl.txt" --lang xx
[ -s "$T/nolang.png" ] || fail "missing lesson text: no screenshot"

# ---- exports
exp_script() { printf 'key ctrl+s\nwait 1\ndump %s\nquit\n' "$1"; }
# a folder that does not exist yet is created
exp_script "$T/e1.json" > "$T/e1.txt"
run 0 --script "$T/e1.txt" --export-dir "$T/new/deeper/exports"
[ "$(ls "$T/new/deeper/exports" | wc -l)" = 1 ] || fail "export into a new folder"
# a folder that cannot exist: under a regular file (read-only does not stop root)
exp_script "$T/e2.json" > "$T/e2.txt"
run 0 --script "$T/e2.txt" --export-dir /dev/null/exports
jget "$T/e2.json" 'd["toast"]' | grep -q "Export failed: cannot create folder /dev/null" || fail "no message for /dev/null/exports: $(jget "$T/e2.json" 'd["toast"]')"
: > "$T/afile"
exp_script "$T/e3.json" > "$T/e3.txt"
run 0 --script "$T/e3.txt" --export-dir "$T/afile"
jget "$T/e3.json" 'd["toast"]' | grep -q "Export failed: .*afile is not a folder" || fail "no message for a file as folder: $(jget "$T/e3.json" 'd["toast"]')"
# a full disk: a 64 KB tmpfs, filled (needs mount rights; skipped with a note otherwise)
mkdir -p "$T/full"
if mount -t tmpfs -o size=64k tmpfs "$T/full" 2>/dev/null; then
  MNT=$T/full
  dd if=/dev/zero of="$T/full/filler" bs=4k 2>/dev/null || true
  { echo "key ctrl+s"; for i in $(seq 1 40); do echo "wait 3"; echo "dump $T/f$i.json"; done; echo "quit"; } > "$T/f.txt"
  run 0 --script "$T/f.txt" --export-dir "$T/full"
  found=0
  for i in $(seq 1 40); do jget "$T/f$i.json" 'd["toast"]' | grep -q "Export failed: cannot write .*No space left on device" && found=1 && break; done
  [ "$found" = 1 ] || fail "full disk: no 'Export failed' message ($(jget "$T/f40.json" 'd["toast"]'))"
  [ "$(ls -A "$T/full")" = filler ] || fail "full disk: a partial export or a temporary was left: $(ls -A "$T/full")"
  run 1 --export-all "$T/full/all" --export-size 640x360; errhas "No space left on device"; [ -z "$(ls -A "$T/full/all" 2>/dev/null)" ] || fail "full disk: --export-all left $(ls -A "$T/full/all")"
  umount "$T/full"; MNT=""
else
  echo "note: cannot mount a tmpfs here (no rights): full-disk case skipped" >&2
fi
# three exports in the same second: three files, none overwritten
printf 'key ctrl+s\nkey ctrl+s\nkey F12\nwait 2\nquit\n' > "$T/e4.txt"
run 0 --script "$T/e4.txt" --export-dir "$T/same"
n=$(ls "$T/same" | wc -l)
[ "$n" = 3 ] || fail "three exports gave $n files: $(ls "$T/same")"
ls "$T/same" | grep -q -- '-2\.png$' || fail "no -2 suffix: $(ls "$T/same")"
for f in "$T/same"/*; do [ -s "$f" ] || fail "empty export $f"; done

# ---- the smallest window: SDL keeps it at the app's minimum, 640x480, and it draws
printf 'resize 100 100\nwait 1\nscreenshot %s\ndump %s\nquit\n' "$T/min.png" "$T/min.json" > "$T/min.txt"
run 0 --script "$T/min.txt" --size 320x240
[ "$(jget "$T/min.json" 'd["window"]')" = "[640, 480]" ] || fail "minimum window is $(jget "$T/min.json" 'd["window"]')"
read -r _ w h var < <(python3 "$(dirname "$0")/pngcheck.py" --step 8 "$T/min.png")
[ "$w" = 640 ] && [ "$h" = 480 ] && python3 -c "import sys; sys.exit(0 if float('$var') > 200 else 1)" \
  || fail "minimum window screenshot is ${w}x$h, variance $var"
echo "bad inputs (app): ok"
