#!/usr/bin/env bash
# test_bad_engine.sh - the engine's command-line tools against the hostile inputs
# of issue 12 (each case is a row of docs/bad-input.md and fails without its fix):
# files written through afile (two trainings sharing --checkpoint, a checkpoint
# whose old fixed temporary name is taken, --trace-json to /dev/full and to a
# file-size limit: a clear message, exit 1, no partial file and no temporary);
# the weights loader (/dev/zero and a folder refused at once, the path named once,
# 9+9 and 16+16 layers load and run); vocabulary words as typed ("Dog" loads as
# "dog"; "se s" loads but is never offered as "did you mean"; tlab-mkmodel skips
# "don't"); the numeric guard (the shipped model x1e15: a warning naming the
# first non-finite activation, exit 1, and "nonfinite" in --trace-json).
# Env: TLAB_BIN (build dir), TLAB_ASSETS.
source "$(dirname "$0")/lib.sh"   # T, fail, expect, has
ENG=$BIN/engine
no_tmp() { ! ls -a "$1" | grep -q '\.tmp' || { ls -a "$1" >&2; fail "a temporary file was left in $1"; }; }
MODEL=$ASSETS/model.safetensors
[ -f "$MODEL" ] || MODEL=$ASSETS/model-untrained.safetensors

# --- item 10: checkpoints through a unique temporary -----------------------
TR=("$ENG/tlab-train" --batch 4 --train-n 100 --valid-n 0 --threads 1 --checkpoint-every 1)
mkdir "$T/ck"
# the old fixed temporary name "FILE.tmp" is taken (another training's, or a folder): no matter
mkdir "$T/ck/c.ckpt.tmp"
expect 0 "${TR[@]}" --steps 2 --out "$T/ck/m0.safetensors" --init-out "$T/ck/i0.safetensors" --checkpoint "$T/ck/c.ckpt"
[ -s "$T/ck/c.ckpt" ] || fail "no checkpoint written beside a taken FILE.tmp"
rmdir "$T/ck/c.ckpt.tmp"
# two trainings sharing --checkpoint, saving every step at the same time: both finish
"${TR[@]}" --steps 40 --seed 1 --out "$T/ck/m1.safetensors" --init-out "$T/ck/i1.safetensors" \
  --checkpoint "$T/ck/c.ckpt" > "$T/o1" 2> "$T/e1" & p1=$!
"${TR[@]}" --steps 40 --seed 2 --out "$T/ck/m2.safetensors" --init-out "$T/ck/i2.safetensors" \
  --checkpoint "$T/ck/c.ckpt" > "$T/o2" 2> "$T/e2" & p2=$!
r1=0; wait $p1 || r1=$?
r2=0; wait $p2 || r2=$?
[ "$r1" = 0 ] && [ "$r2" = 0 ] || { cat "$T/e1" "$T/e2" >&2; fail "two trainings sharing --checkpoint: exits $r1 and $r2"; }
[ -s "$T/ck/m1.safetensors" ] && [ -s "$T/ck/m2.safetensors" ] || fail "a training sharing --checkpoint lost its model"
no_tmp "$T/ck"

# --- items 3/7: --trace-json to a full disk ---------------------------------
expect 1 "$ENG/tlab-run" --model "$MODEL" --trace-json /dev/full "the dog sees the cat"
has err "/dev/full"; has err "No space left on device"
[ -c /dev/full ] || fail "/dev/full is no longer a device"
mkdir "$T/tj"
echo previous > "$T/tj/trace.json"
rc=0; ( trap '' XFSZ; ulimit -f 4; exec "$ENG/tlab-run" --model "$MODEL" --trace-json "$T/tj/trace.json" \
  "the dog sees the cat" ) > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 1 ] || fail "--trace-json over the file-size limit exited $rc, want 1"
has err "trace.json"; has err "File too large"
[ "$(cat "$T/tj/trace.json")" = previous ] || fail "a failed --trace-json changed the previous file"
no_tmp "$T/tj"
expect 0 "$ENG/tlab-run" --model "$MODEL" --trace-json "$T/tj/trace.json" "the dog sees the cat"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$T/tj/trace.json" || fail "--trace-json wrote invalid JSON"
no_tmp "$T/tj"

# --- item 5: the loader checks the header length against the file size first -----
expect 1 "$ENG/tlab-run" --model /dev/zero "the dog"
has err "not a regular file"
[ "$(grep -o /dev/zero "$T/err" | wc -l)" = 1 ] || { cat "$T/err" >&2; fail "the path is not named exactly once"; }
expect 1 "$ENG/tlab-run" --model "$T" "the dog"; has err "Is a directory"
printf 'abc' > "$T/short.safetensors"
expect 1 "$ENG/tlab-run" --model "$T/short.safetensors" "the dog"; has err "truncated"
[ "$(grep -o short.safetensors "$T/err" | wc -l)" = 1 ] || { cat "$T/err" >&2; fail "the path is not named exactly once"; }
expect 1 "$ENG/tlab-eval" --model "$T/short.safetensors"
[ "$(grep -o short.safetensors "$T/err" | wc -l)" = 1 ] || { cat "$T/err" >&2; fail "tlab-eval names the path more than once"; }

# --- item 6: every layer count docs/weights.md allows loads (1..16 each) ----------
printf 'the\ndog\nsees\n' > "$T/vocab.txt"
for L in 9 16; do
  expect 0 "$ENG/tlab-mkmodel" --out "$T/deep$L.safetensors" --vocab "$T/vocab.txt" --d-model 8 --heads 2 \
    --enc-layers $L --dec-layers $L --d-ff 8 --max-len 8
  expect 0 "$ENG/tlab-run" --model "$T/deep$L.safetensors" "the dog sees"; has out "tokens (3)"
done

# --- item 9: vocabulary words read as the tokenizer reads typed text -------------
# a file (made elsewhere) with "Dog" in its vocabulary: loads as "dog", so "the Dog sees" finds it
python3 - "$T/deep9.safetensors" "$T/case.safetensors" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
assert b.count(b'\\"dog\\"') == 1
open(sys.argv[2], "wb").write(b.replace(b'\\"dog\\"', b'\\"Dog\\"'))
PY
expect 0 "$ENG/tlab-run" --model "$T/case.safetensors" "the Dog sees"
has out "^tokens (3): the\[4\] dog\[5\] sees\[6\]"
# a word the tokenizer would split loads (the model may output it) but is never offered for a typo
python3 - "$T/deep9.safetensors" "$T/split.safetensors" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(b.replace(b'\\"sees\\"', b'\\"se s\\"'))
PY
expect 0 "$ENG/tlab-run" --model "$T/split.safetensors" "the dog sees"; has out "sees\[3 <unk>\]"
grep -q "se s" "$T/out" && { cat "$T/out" >&2; fail "an untypeable word was offered"; }
# tlab-mkmodel --vocab skips a word that could never be typed, with a note
printf "the\ndon't\n" > "$T/vocab3.txt"
expect 0 "$ENG/tlab-mkmodel" --out "$T/v3.safetensors" --vocab "$T/vocab3.txt" --d-model 8 --heads 2 \
  --enc-layers 1 --dec-layers 1 --d-ff 8 --max-len 6
has err "\"don't\" can never be typed"; has out "vocab 5,"

# --- item 2 (engine half): the numeric guard ----------------------------------
# the shipped model with every weight x1e15 (finite in the file, overflowing in the forward pass)
python3 - "$MODEL" "$T/huge.safetensors" <<'PY'
import array, struct, sys
b = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", b[:8])[0]
data = array.array("f"); data.frombytes(b[8 + n:])
data = array.array("f", (x * 1e15 for x in data))
open(sys.argv[2], "wb").write(b[:8 + n] + data.tobytes())
PY
expect 1 "$ENG/tlab-run" --model "$T/huge.safetensors" --trace-json "$T/huge.json" "the dog sees the cat"
has err "warning: this run is not finite"; has err "encoder.layers.0.self\."
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['nonfinite']['tensor'].startswith('encoder.layers.0.self.'), d['nonfinite']" "$T/huge.json" \
  || fail "--trace-json lacks the nonfinite record"
expect 0 "$ENG/tlab-run" --model "$MODEL" --trace-json "$T/ok.json" "the dog sees the cat"
python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['nonfinite'] is None" "$T/ok.json" || fail "a finite run has a nonfinite record"

echo "bad engine input: ok"
