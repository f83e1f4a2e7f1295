#!/usr/bin/env bash
# test_cli_tools.sh - the engine's command-line tools as a user meets them:
# --help (exit 0, usage on stdout), bad arguments (exit 2 and a usage or a
# hint on stderr), a broken or missing model (exit 1 and a message naming the
# file), tlab-run --trace-json - (valid JSON with the fields the README and
# tlab-run.c promise, attention rows summing to 1, logits [T, V]), a model
# from tlab-mkmodel that tlab-run loads, and tlab-train's checkpoints: a
# checkpoint is written through afile (a unique temporary renamed into place),
# so a save that fails (here: the file-size limit, as a full disk) leaves the
# previous checkpoint byte for byte intact and no temporary, and training can
# resume from it.
# Env: TLAB_BIN (build dir), TLAB_ASSETS.
source "$(dirname "$0")/lib.sh"   # T, fail, expect, has
ENG=$BIN/engine

for tool in tlab-run tlab-mkmodel tlab-eval tlab-train tlab-corpus; do
  expect 0 "$ENG/$tool" --help; has out "usage: $tool"
  expect 2 "$ENG/$tool" --no-such-flag; has err "$tool"; has err "no-such-flag"
done
# usage (or a pointer to --help) with every kind of bad argument
expect 2 "$ENG/tlab-run"; has err "no sentence"; has err "usage"
expect 2 "$ENG/tlab-run" --max-steps x "the dog"
expect 2 "$ENG/tlab-run" --model; has err "tlab-run"
expect 2 "$ENG/tlab-mkmodel"; has err -- "--out"
expect 2 "$ENG/tlab-mkmodel" --out "$T/x.safetensors" --d-model abc
expect 2 "$ENG/tlab-eval" --n; has err "usage"
expect 2 "$ENG/tlab-train" --steps; has err "help"
expect 2 "$ENG/tlab-train" --steps -5

# broken models: exit 1 and the file named
expect 1 "$ENG/tlab-run" --model "$T/missing.safetensors" "the dog"; has err "missing.safetensors"
: > "$T/empty.safetensors"
expect 1 "$ENG/tlab-run" --model "$T/empty.safetensors" "the dog"; has err "empty.safetensors"
head -c 5000 "${TLAB_ASSETS:-$(dirname "$0")/../../assets}/model.safetensors" > "$T/cut.safetensors"
expect 1 "$ENG/tlab-run" --model "$T/cut.safetensors" "the dog"; has err "cut.safetensors"
expect 1 "$ENG/tlab-eval" --model "$T/empty.safetensors" --n 5; has err "empty.safetensors"

# --trace-json - : JSON on stdout, the readable summary on stderr
expect 0 "$ENG/tlab-run" --trace-json - "the dog sees the cat"
python3 - "$T/out" "$T/err" <<'PY' || fail "trace JSON does not hold what is documented"
import json, sys, math
d = json.load(open(sys.argv[1]))
for k in ["model", "config", "sentence", "tokens", "n_words", "n_words_total", "truncated", "n_unk",
          "translation", "src_ids", "tgt_ids", "out_ids", "n_out", "finished", "logits", "attention"]:
    assert k in d, "missing field " + k
c = d["config"]
for k in ["d_model", "n_heads", "n_enc_layers", "n_dec_layers", "d_ff", "vocab_size", "max_len"]:
    assert isinstance(c[k], int) and c[k] > 0, k
assert d["sentence"] == "the dog sees the cat"
assert [t["text"] for t in d["tokens"]] == ["the", "dog", "sees", "the", "cat"]
for t in d["tokens"]:
    assert set(["text", "id", "unk", "byte_start", "byte_len"]) <= set(t), t
    assert d["sentence"][t["byte_start"]:t["byte_start"] + t["byte_len"]] == t["text"]
assert d["src_ids"] == [t["id"] for t in d["tokens"]] + [2], "source = words then <eos>"
assert d["tgt_ids"][0] == 1, "decoder input starts with <bos>"
assert d["n_words"] == 5 and d["n_unk"] == 0 and d["truncated"] in (0, False)
T, V, S = len(d["tgt_ids"]), c["vocab_size"], len(d["src_ids"])
assert len(d["logits"]) == T and all(len(r) == V for r in d["logits"])
# the greedy output is the argmax of each logits row
for t in range(d["n_out"]):
    row = d["logits"][t]
    assert max(range(V), key=lambda i: row[i]) == d["out_ids"][t]
enc, dec = d["attention"]["encoder"], d["attention"]["decoder"]
assert len(enc) == c["n_enc_layers"] and len(dec) == c["n_dec_layers"]
def rows_ok(m, n_rows, n_cols):
    assert len(m) == c["n_heads"]
    for h in m:
        assert len(h) >= n_rows
        for r in h[:n_rows]:
            assert len(r) >= n_cols and abs(sum(x for x in r if x is not None) - 1) < 1e-4
for l in enc: rows_ok(l["self"], S, S)
for l in dec: rows_ok(l["cross"], T, S)
summary = open(sys.argv[2]).read()
assert "translation: " + d["translation"] in summary, "stderr summary and JSON disagree"
PY

# a model made by tlab-mkmodel loads in tlab-run
printf 'the\ndog\n' > "$T/vocab.txt"
expect 0 "$ENG/tlab-mkmodel" --out "$T/tiny.safetensors" --vocab "$T/vocab.txt" --d-model 8 --heads 2 \
  --enc-layers 1 --dec-layers 1 --d-ff 8 --max-len 6
expect 0 "$ENG/tlab-run" --model "$T/tiny.safetensors" "the dog"; has out "tokens"
expect 0 "$ENG/tlab-run" --model "$T/tiny.safetensors" "the zebra"; has out "<unk>"
# vocabulary words are lower-cased like typed text ("Dog" is found as "dog"); a repeat is skipped with a note
printf 'The\nDOG\ndog\n' > "$T/vocab2.txt"
expect 0 "$ENG/tlab-mkmodel" --out "$T/tiny2.safetensors" --vocab "$T/vocab2.txt" --d-model 8 --heads 2 \
  --enc-layers 1 --dec-layers 1 --d-ff 8 --max-len 6
has err '"dog" repeats "dog"'; has out "vocab 6,"
expect 0 "$ENG/tlab-run" --model "$T/tiny2.safetensors" "The Dog"
has out "^tokens (2): the\[4\] dog\[5\]"

# tlab-train: checkpoint through a temporary file + rename; a failed save keeps the old one
TR=("$ENG/tlab-train" --steps 2 --batch 4 --train-n 100 --valid-n 0 --threads 1 --checkpoint-every 1)
expect 0 "${TR[@]}" --out "$T/m1.safetensors" --init-out "$T/i1.safetensors" --checkpoint "$T/c.ckpt"
[ -s "$T/c.ckpt" ] && [ -s "$T/m1.safetensors" ] || fail "tlab-train wrote no checkpoint or model"
ls -a "$T" | grep -q '\.tmp' && fail "a temporary file was left behind"
cp "$T/c.ckpt" "$T/c.before"
# a save that fails (the file-size limit, as a full disk would: 2 MB lets the 1 MB models through
# but not the 3 MB checkpoint) keeps the previous checkpoint
rc=0; ( trap '' XFSZ; ulimit -f 2000; exec "${TR[@]}" --seed 2 --out "$T/m2.safetensors" --init-out "$T/i2.safetensors" \
  --checkpoint "$T/c.ckpt" ) > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 1 ] || fail "a failing checkpoint save exited $rc, want 1"
has err "checkpoint"; has err "File too large"
cmp -s "$T/c.ckpt" "$T/c.before" || fail "a failed checkpoint save changed the previous checkpoint"
ls -a "$T" | grep -q '\.tmp' && fail "a failed save left a temporary file behind"
expect 0 "$ENG/tlab-train" --resume "$T/c.ckpt" --steps 3 --batch 4 --train-n 100 --valid-n 0 --threads 1 \
  --out "$T/m3.safetensors" --init-out "$T/i3.safetensors" --checkpoint "$T/c3.ckpt"
[ -s "$T/m3.safetensors" ] || fail "resume from the kept checkpoint wrote no model"
expect 0 "$ENG/tlab-run" --model "$T/m3.safetensors" "the dog"
echo "cli tools: ok"
