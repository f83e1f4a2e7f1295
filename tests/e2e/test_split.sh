#!/usr/bin/env bash
# test_split.sh - the split view (issue 17 item 4, app/split.c, lessons/common/compare.c)
# driven headless: C opens it on lesson 5 with the second sentence "the cat sees the dog"
# (the first's nouns swapped); both translations in the dump are what tlab-run
# translates; the maps compared are 6 x 6 and some cells differ; the translation words
# that differ are counted; a click on the second box and typing change only the second
# sentence (B typed there does not blank the screen); lesson 12 compares cross-attention;
# C closes it.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
. "$(dirname "$0")/lib.sh"
SENT="the dog sees the cat"
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }
# play NAME LINE...: the app on $SENT with the script LINE... (then quit)
play() {
  local f="$T/$1.txt"
  shift
  printf '%s\n' "$@" quit > "$f"
  "$APP" --size 1280x800 --sentence "$SENT" --script "$f" 2> "$T/err" || { cat "$T/err" >&2; fail "the app failed"; }
}
play s1 "wait 1" "lesson attention" "key c" "wait 1" "dump $T/d1.json"
[ "$(jget "$T/d1.json" '(d["split"]["on"], d["split"]["sentence"], d["split"]["kind"])')" = "(1, 'the cat sees the dog', 'encoder-self')" ] ||
  fail "C did not open the split view with the swapped sentence: $(jget "$T/d1.json" 'd["split"]')"
# as_run SENTENCE DUMP KEY: the dump's translation at KEY is tlab-run's for SENTENCE
as_run() {
  local want
  "$RUN" "$1" > "$T/run.txt"
  want=$(jget "$2" "$3")
  [ -n "$want" ] && grep -qF -- "$want" "$T/run.txt" || { cat "$T/run.txt" >&2; fail "'$1': the dump says '$want', not tlab-run's translation"; }
}
as_run "$SENT" "$T/d1.json" 'd["translation"]'
as_run "the cat sees the dog" "$T/d1.json" 'd["split"]["translation"]'
[ "$(jget "$T/d1.json" '(d["split"]["rows"], d["split"]["cols"])')" = "(6, 6)" ] || fail "the maps compared are not 6 x 6"
[ "$(jget "$T/d1.json" 'd["split"]["diff_cells"] > 0 and d["split"]["words_differ"] > 0')" = True ] ||
  fail "swapping the nouns changed no cell or no word: $(jget "$T/d1.json" 'd["split"]')"
read -r bx by <<< "$(jget "$T/d1.json" '" ".join(str(v) for v in (lambda r: (r[0] + r[2] // 2, r[1] + r[3] // 2))(d["split"]["box"]))')"
play s2 "wait 1" \
  "lesson attention" \
  "key c" \
  "wait 1" \
  "click $bx $by" \
  "key ctrl+a" \
  "type the girl likes the small cat b" \
  "key Backspace" \
  "key Backspace" \
  "key Return" \
  "wait 1" \
  "dump $T/d2.json" \
  "screenshot $T/d2.png" \
  "lesson cross-attention" \
  "wait 1" \
  "dump $T/d3.json" \
  "key c" \
  "wait 1" \
  "dump $T/d4.json"
[ "$(jget "$T/d2.json" '(d["sentence"], d["split"]["sentence"], d["split"]["focus"], d["blank"])')" = "('$SENT', 'the girl likes the small cat', 0, 'none')" ] ||
  fail "typing into the second box: $(jget "$T/d2.json" '(d["sentence"], d["split"], d["blank"])')"
as_run "the girl likes the small cat" "$T/d2.json" 'd["split"]["translation"]'
png_ok "$T/d2.png" 1280 800
[ "$(jget "$T/d3.json" 'd["split"]["kind"]')" = cross ] || fail "lesson 12 does not compare cross-attention"
[ "$(jget "$T/d4.json" 'd["split"]["on"]')" = 0 ] || fail "C did not close the split view"
echo "split ok"
