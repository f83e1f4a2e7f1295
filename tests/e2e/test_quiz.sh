#!/usr/bin/env bash
# test_quiz.sh - the quiz mode (issue 17 item 3, app/quizmode.c) driven headless:
# Q turns it on over lesson 13 with a "what comes next" question whose answer is
# the word tlab-run translates at that step; the right key scores 1 / 1, Enter
# asks a new question, a click on a wrong choice scores 1 / 2; A-D answer while
# the quiz is on (A does not open the attention overlay), Q turns it off, and
# then A opens the overlay again; --quiz starts in it; a new sentence asks anew.
# The run is deterministic (the questions are seeded from the sentence and the
# count), so a second run with the same keys sees the same questions: each run
# answers what the run before it dumped.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
. "$(dirname "$0")/lib.sh"
SENT="the dog sees the cat"
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }
run() { # SCRIPT: the app on it at 1280x800
  "$APP" --size 1280x800 --sentence "$SENT" --script "$1" 2> "$T/err" || { cat "$T/err" >&2; fail "the app failed on $1"; }
}
head_script() {
  cat <<S
wait 1
lesson output
key q
wait 1
dump $T/q1.json
S
}
# 1: the first question, unanswered
{ head_script; echo quit; } > "$T/s1.txt"
run "$T/s1.txt"
[ "$(jget "$T/q1.json" 'd["quiz"]["on"]')" = 1 ] || fail "Q did not turn the quiz on"
[ "$(jget "$T/q1.json" 'd["quiz"]["kind"]')" = next ] || fail "lesson 13 does not ask for the next word"
[ "$(jget "$T/q1.json" 'd["quiz"]["chosen"]')" = -1 ] || fail "the question came answered"
# the answer is the model's word at that decoding step (tlab-run prints the same translation)
"$RUN" "$SENT" > "$T/run.txt"
want=$(python3 - "$T/q1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
q = d["quiz"]
words = d["translation"].split() + ["<eos>"]
ans = q["choices"][q["answer"]]["text"]
assert ans == words[q["row"]], (ans, words, q["row"])
assert len({c["text"] for c in q["choices"]}) == len(q["choices"]) >= 2, q["choices"]
print(d["translation"])
PY
) || fail "the quiz's answer is not the model's next word"
grep -qF -- "$want" "$T/run.txt" || { cat "$T/run.txt" >&2; fail "tlab-run does not translate to '$want'"; }
a1=$(jget "$T/q1.json" 'd["quiz"]["answer"] + 1')
# 2: answer right with its number key, then Enter for the next question
{ head_script; cat <<S
key $a1
wait 1
dump $T/q2.json
key Return
wait 1
dump $T/q3.json
quit
S
} > "$T/s2.txt"
run "$T/s2.txt"
[ "$(jget "$T/q2.json" '(d["quiz"]["answered"], d["quiz"]["right"], d["quiz"]["chosen"] + 1)')" = "(1, 1, $a1)" ] ||
  fail "the right answer did not score 1 / 1: $(jget "$T/q2.json" 'd["quiz"]')"
[ "$(jget "$T/q3.json" '(d["quiz"]["asked"], d["quiz"]["chosen"], d["quiz"]["answered"])')" = "(2, -1, 1)" ] ||
  fail "Enter did not ask a new question: $(jget "$T/q3.json" 'd["quiz"]')"
# 3: a click on a wrong choice of question 2; a second answer does not count; Q off, then A is the overlay again
read -r cx cy <<< "$(jget "$T/q3.json" '" ".join(str(v) for v in (lambda q: (lambda r: (r[0] + r[2] // 2, r[1] + r[3] // 2))(q["choices"][(q["answer"] + 1) % len(q["choices"])]["rect"]))(d["quiz"]))')"
{ head_script; cat <<S
key $a1
key Return
wait 1
click $cx $cy
wait 1
dump $T/q4.json
key a
wait 1
dump $T/q5.json
key q
key a
wait 1
dump $T/q6.json
quit
S
} > "$T/s3.txt"
run "$T/s3.txt"
[ "$(jget "$T/q4.json" '(d["quiz"]["answered"], d["quiz"]["right"])')" = "(2, 1)" ] ||
  fail "a wrong choice clicked did not score 1 / 2: $(jget "$T/q4.json" 'd["quiz"]')"
[ "$(jget "$T/q4.json" 'd["quiz"]["chosen"] != d["quiz"]["answer"]')" = True ] || fail "the click did not take the wrong choice"
[ "$(jget "$T/q5.json" '(d["quiz"]["answered"], d["attn_overlay"]["open"])')" = "(2, 0)" ] ||
  fail "A on an answered question counted again or opened the overlay"
[ "$(jget "$T/q6.json" '(d["quiz"]["on"], d["attn_overlay"]["open"])')" = "(0, 1)" ] || fail "Q did not end the quiz, or A stayed taken"
# 4: --quiz starts in the quiz; lesson 12 asks about cross-attention; a new sentence asks anew
cat > "$T/s4.txt" <<S
wait 1
dump $T/q7.json
screenshot $T/q7.png
key slash
key ctrl+a
type the cat sees the dog
key Return
wait 1
dump $T/q8.json
quit
S
"$APP" --size 1280x800 --quiz --lesson cross-attention --sentence "$SENT" --script "$T/s4.txt" 2> "$T/err" || { cat "$T/err" >&2; fail "the app failed with --quiz"; }
[ "$(jget "$T/q7.json" '(d["quiz"]["on"], d["quiz"]["kind"])')" = "(1, 'attend')" ] || fail "--quiz on lesson 12: $(jget "$T/q7.json" 'd["quiz"]')"
png_ok "$T/q7.png" 1280 800
[ "$(jget "$T/q8.json" 'd["quiz"]["asked"] > 1 and d["quiz"]["chosen"] == -1')" = True ] || fail "a new sentence did not ask a new question"
echo "quiz ok"
