#!/usr/bin/env bash
# test_input_status.sh - honest about its limits (issue 14 item 4): for a sentence
# of each kind the app's state dump gives "input_status" ("in_grammar",
# "unknown_words", "outside_grammar", "no_eos") with a reason in words and the
# grammar's reference when it has one (reference_agrees 1 when the model's
# translation is the same); tlab-run --trace-json gives the same fields and its
# text output a warning line on stderr (none for an in-grammar sentence).
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
. "$(dirname "$0")/lib.sh"
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }
today="today today today today today today today today today today today today today today today today today today today today today today today today today today"
check() { # KIND SENTENCE REASON-PART
  local kind=$1 s=$2 part=$3
  printf 'wait 1\ndump %s\nquit\n' "$T/$kind.json" > "$T/$kind.txt"
  "$APP" --model "$MODEL" --lesson 13 --sentence "$s" --script "$T/$kind.txt" 2> "$T/err" || { cat "$T/err" >&2; fail "the app failed on '$s'"; }
  [ "$(jget "$T/$kind.json" 'd["input_status"]')" = "$kind" ] || fail "'$s': input_status $(jget "$T/$kind.json" 'd["input_status"]'), want $kind"
  jget "$T/$kind.json" 'd["input_status_reason"]' | grep -q -- "$part" || fail "'$s': the reason does not say '$part': $(jget "$T/$kind.json" 'd["input_status_reason"]')"
  expect 0 "$RUN" --model "$MODEL" --trace-json "$T/$kind.run.json" "$s"
  [ "$(jget "$T/$kind.run.json" 'd["input_status"]')" = "$kind" ] || fail "tlab-run '$s': input_status $(jget "$T/$kind.run.json" 'd["input_status"]'), want $kind"
  [ "$(jget "$T/$kind.run.json" 'd["input_status_reason"]')" = "$(jget "$T/$kind.json" 'd["input_status_reason"]')" ] || fail "tlab-run and the app give different reasons"
  if [ "$kind" = in_grammar ]; then
    ! grep -q "warning" "$T/err" || fail "tlab-run warned on an in-grammar sentence: $(cat "$T/err")"
  else
    grep -q "^tlab-run: warning: $kind: " "$T/err" || fail "tlab-run printed no warning for '$s': $(cat "$T/err")"
  fi
}
check in_grammar "the dog sees the cat" "the model agrees"
[ "$(jget "$T/in_grammar.json" 'd["reference"]')" = "der hund sieht die katze" ] || fail "no reference translation in the dump"
[ "$(jget "$T/in_grammar.json" 'd["reference_agrees"]')" = 1 ] || fail "the model's translation should agree with the reference"
[ "$(jget "$T/in_grammar.run.json" 'd["reference_agrees"]')" = True ] || fail "tlab-run: reference_agrees"
grep -q "^reference (corpus grammar): der hund sieht die katze" "$T/out" || fail "tlab-run does not print the reference: $(cat "$T/out")"
check unknown_words "hello" '"hello"'
[ "$(jget "$T/unknown_words.json" 'd["reference"]')" = None ] || fail "a reference for an unknown word"
check outside_grammar "the dog sees" "cannot parse"
check no_eos "$today" "without <eos>"
# the lesson-13 screenshot of a no-eos run draws (the verdict in the bar and the lesson)
printf 'wait 1\nscreenshot %s\nquit\n' "$T/no_eos.png" > "$T/shot.txt"
"$APP" --model "$MODEL" --lesson 13 --sentence "$today" --script "$T/shot.txt" 2> "$T/err" || fail "screenshot failed"
png_ok "$T/no_eos.png" 1280 800
echo "test_input_status: ok"
