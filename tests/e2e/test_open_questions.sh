#!/usr/bin/env bash
# test_open_questions.sh - the walkthrough's three open questions as new steps
# (issue 17 item 2), end to end, headless, for a short and a long sentence:
#   lesson 3 step 5: the dump's R_k error (|R_k.PE(pos) - PE(pos+k)|, over the
#     sentence and over every position) stays under 1e-5 as - and = change k,
#     and k follows the keys;
# each step's PNG has the window's size and is not blank.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"

run_sentence() { # TAG SENTENCE
  local tag=$1 sent=$2
  {
    echo "lesson positional-encoding"
    for _ in 1 2 3 4; do echo "key Right"; done
    echo "wait 1"; echo "dump $T/$tag-pe0.json"; echo "screenshot $T/$tag-pe.png"
    for _ in 1 2 3 4 5 6; do echo "key equals"; done
    echo "wait 1"; echo "dump $T/$tag-pe1.json"
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35; do echo "key equals"; done
    echo "key minus"; echo "wait 1"; echo "dump $T/$tag-pe2.json"
    echo "quit"
  } > "$T/$tag.txt"
  "$APP" --sentence "$sent" --script "$T/$tag.txt" --size 1280x800 || fail "$tag: run failed"
  png_ok "$T/$tag-pe.png" 1280 800
  python3 - "$T/$tag" <<'PY' || fail "$tag: the PE rotation step disagrees"
import json, sys
pre = sys.argv[1]
ks = []
for i in range(3):
    d = json.load(open("%s-pe%d.json" % (pre, i)))
    st = d["lesson_state"]
    assert d["step"] == 4, d["step"]
    assert 0 <= st["rot_error"] < 1e-5 and 0 <= st["rot_error_all"] < 1e-5, st
    ks.append(st["k"])
assert ks[0] == 1 and ks[1] == 7, ks
assert ks[2] >= 30, ks  # clamped at max_len - 1, then one back
PY
}

run_sentence short "the dog sees the cat"
run_sentence long "the old man sees the small dog and the young woman hears the big cat and the child sees the old woman and the man hears the dog"
echo "ok"
