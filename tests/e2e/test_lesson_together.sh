#!/usr/bin/env bash
# test_lesson_together.sh - lesson 14 (putting it together) end to end,
# headless, for two sentences: the animation rests at its end with every
# stage lit; Space starts it from the first stage and its position grows with
# time; P pauses it and the position then stays put; a click on the slider
# scrubs to that stage; the chosen-word box shows out_ids[t] of
# `tlab-run --trace-json` at the selected decoding step and its hover reports
# softmax(logits[t]) of that word; the cost step counts layers x heads x
# (S^2 + T^2 + T*S) scores; PNGs are the right size and not blank.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"

run_sentence() { # TAG SENTENCE THEME SIZE
  local tag=$1 sent=$2 theme=$3 size=$4
  "$RUN" --trace-json "$T/$tag-trace.json" "$sent" > /dev/null || fail "tlab-run failed on '$sent'"
  {
    echo "lesson together"
    echo "key slash"; echo "key ctrl+a"; echo "type $sent"; echo "key Return"
    echo "key quote"; echo "key quote"          # decoding step 2
    echo "move 5 5"; echo "wait 1"
    echo "dump $T/$tag-rest.json"
    echo "screenshot $T/$tag-flow.png"
    echo "quit"
  } > "$T/$tag-s1.txt"
  "$APP" --script "$T/$tag-s1.txt" --size "$size" --theme "$theme" || fail "$tag: first run failed"
  python3 - "$T/$tag-rest.json" "$T/$tag" "$sent" > "$T/$tag-s2.txt" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); pre, sent = sys.argv[2], sys.argv[3]
st = d["lesson_state"]
sx, sy, sw, sh = st["slider"]; wx, wy, ww, wh = st["word_box"]
print("lesson together")
print("key slash"); print("key ctrl+a"); print("type " + sent); print("key Return")
print("key quote"); print("key quote")
print("move 5 5")
print("key space"); print("wait 3"); print("dump %s-play1.json" % pre)
print("wait 20"); print("dump %s-play2.json" % pre)
print("key p"); print("wait 1"); print("dump %s-pause1.json" % pre)
print("wait 15"); print("dump %s-pause2.json" % pre)
print("click %d %d" % (sx + int(sw * 0.35), sy + sh * 3 // 4)); print("wait 1"); print("dump %s-scrub.json" % pre)
print("click %d %d" % (sx + sw - 1, sy + sh * 3 // 4)); print("move %d %d" % (wx + ww // 2, wy + wh // 2)); print("wait 1")
print("dump %s-word.json" % pre)
print("key Right"); print("move 5 5"); print("wait 1"); print("dump %s-cost.json" % pre)
print("screenshot %s-cost.png" % pre)
print("quit")
EOF
  "$APP" --script "$T/$tag-s2.txt" --size "$size" --theme "$theme" || fail "$tag: animation run failed"
  python3 - "$T/$tag" "$T/$tag-trace.json" <<'EOF' || fail "$tag: the lesson disagrees with the trace"
import json, math, sys
pre, tr = sys.argv[1], json.load(open(sys.argv[2]))
L = lambda name: json.load(open("%s-%s.json" % (pre, name)))
cfg = tr["config"]
S, T = len(tr["src_ids"]), len(tr["tgt_ids"])
rest = L("rest")
st = rest["lesson_state"]
assert rest["lesson_slug"] == "together" and rest["step"] == 0, rest
assert st["playing"] == 0 and abs(st["position"] - 10) < 1e-6 and st["stage"] == "end", st
assert st["t"] == 2 and st["word_id"] == tr["out_ids"][2], (st, tr["out_ids"])
assert st["S"] == S and st["T"] == T, st
H = cfg["n_heads"]
want = cfg["n_enc_layers"] * H * S * S + cfg["n_dec_layers"] * H * (T * T + T * S)
assert st["scores"] == want, (st["scores"], want)
p1, p2 = L("play1")["lesson_state"], L("play2")["lesson_state"]
assert p1["playing"] == 1 and 0 <= p1["position"] < 10, p1
assert p2["position"] > p1["position"], (p1, p2)
a, b = L("pause1")["lesson_state"], L("pause2")["lesson_state"]
assert a["playing"] == 0 and b["playing"] == 0 and a["position"] == b["position"], (a, b)
assert a["position"] >= p2["position"], (a, p2)
sc = L("scrub")["lesson_state"]
assert sc["playing"] == 0 and abs(sc["position"] - 3.5) < 0.1 and sc["stage"] == "memory", sc
w = L("word")
assert abs(w["lesson_state"]["position"] - 10) < 0.05, w["lesson_state"]
hv = w["hover"]
assert hv is not None and "chooses" in hv["label"], hv
row = tr["logits"][2]; m = max(row); e = [math.exp(v - m) for v in row]
oid = tr["out_ids"][2]
assert abs(hv["value"] - e[oid] / sum(e)) < 1e-6, (hv, e[oid] / sum(e))
assert ("\u201c%s\u201d (id %d)" % (tr["tgt_words"][3], oid)) in hv["label"], hv
c = L("cost")
assert c["step"] == 1 and c["lesson_state"]["scores"] == want, c
print("ok", pre, "S", S, "T", T, "positions", p1["position"], p2["position"], a["position"])
EOF
}

run_sentence a "the dog has seen the cat" light 1280x800
check_png "$T/a-flow.png" 1280 800
check_png "$T/a-cost.png" 1280 800
run_sentence b "today the children have found a black ball in the garden" dark 1920x1080
check_png "$T/b-flow.png" 1920 1080
check_png "$T/b-cost.png" 1920 1080 0   # size only: the pure-Python PNG decoder is slow at this size
cmp -s "$T/a-flow.png" "$T/b-flow.png" && fail "the two sentences draw the same picture"
echo "PASS test_lesson_together"
