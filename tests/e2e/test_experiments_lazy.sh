#!/usr/bin/env bash
# test_experiments_lazy.sh - lesson 17 (Experiments) translates your sentence
# 16 ways (its experiments), but only when it is drawn, exported or dumped:
#  - typing 8 characters with another lesson shown makes no such run: when
#    lesson 17 is then shown, its dump counts exactly one refresh, and its
#    intact row is tlab-run's translation of the sentence as it now reads;
#  - typing while lesson 17 is shown refreshes it (one more per frame drawn
#    after an edit, not one per keystroke of a script's line).
# (Before, every keystroke in any lesson translated 16 times: ~0.25 s in Release
# for a sentence that never reaches <eos>.)
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(dirname "$0")/lib.sh" # BIN ASSETS APP RUN HERE T MODEL, headless SDL, HOME in T, fail, check_png, png_ok

cat > "$T/s.txt" <<EOS
lesson attention
wait 1
type  the cat
wait 1
lesson experiments
wait 1
dump $T/a.json
type  and the bird
wait 1
dump $T/b.json
quit
EOS
"$APP" --sentence "the dog sees" --script "$T/s.txt" --size 1280x800 || fail "experiments run failed"
translations "the dog sees the cat" "the dog sees the cat and the bird" > "$T/run.txt"

python3 - "$T" <<'PY' || fail "lesson 17 ran its experiments while another lesson was shown"
import json, sys
t = sys.argv[1]
a = json.load(open(t + "/a.json"))["lesson_state"]
b = json.load(open(t + "/b.json"))["lesson_state"]
run = open(t + "/run.txt").read().split("\n")
assert a["refreshes"] == 1, ("refreshes after typing in lesson attention, then showing lesson 17", a["refreshes"])
assert a["rows"][0][4] == run[0], (a["rows"][0][4], run[0])
assert 2 <= b["refreshes"] <= 3, ("typing while lesson 17 is shown", b["refreshes"])
assert b["rows"][0][4] == run[1], (b["rows"][0][4], run[1])
PY
echo "experiments lazy: ok"
