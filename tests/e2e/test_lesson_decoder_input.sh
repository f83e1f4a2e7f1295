#!/usr/bin/env bash
# test_lesson_decoder_input.sh - lesson 10 (Decoder input) end to end, headless.
# For two sentences and several decoding steps, moved with the shared keys
# (' and ;) and with the lesson's buttons:
#  - the lesson's state shows the decoder input tgt_ids[0..t] (<bos> first) and
#    the prediction out_ids[t] of `tlab-run --trace-json`; the input is the
#    output shifted right (tgt[t+1] = out[t]);
#  - hovered cells of the three heatmaps equal E[id]*sqrt(64), the sinusoidal
#    PE and their sum, computed here from the safetensors file (stdlib Python);
#    the heatmaps have t+1 rows (no hovered row beyond the step);
#  - a hovered prediction chip shows softmax(logits[t])[out[t]] of tlab-run;
#  - the step is shared with the masked-attention lesson;
#  - PNGs have the right size, are not blank, and differ between sentences.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"

run_sentence() { # TAG SENTENCE THEME SIZE
  local tag=$1 sent=$2 theme=$3 size=$4
  "$RUN" --trace-json "$T/$tag-trace.json" "$sent" > /dev/null || fail "tlab-run failed on '$sent'"
  printf 'lesson decoder-input\nwait 1\ndump %s\nquit\n' "$T/$tag-geo.json" > "$T/$tag-g.txt"
  "$APP" --sentence "$sent" --script "$T/$tag-g.txt" --size "$size" --theme "$theme" || fail "$tag: geometry run failed"
  # steps: 0 (start), 2 (two ' keys), 3 (the step > button), last (' keys), 1 (; keys)
  python3 - "$T/$tag-geo.json" "$T/$tag-trace.json" "$T/$tag" > "$T/$tag-s.txt" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))["lesson_state"]; tr = json.load(open(sys.argv[2])); pre = sys.argv[3]
T = len(tr["tgt_ids"])
print("lesson decoder-input")
def hover_all(step):
    n = 0
    for r in g["mats"]:
        x, y, w, h = r
        for i in range(6):
            for j in range(4):
                print("move %d %d" % (x + w * (j + 0.5) / 4, y + h * (0.12 + 0.88 * (i + 0.5) / 6)))
                print("wait 1"); print("dump %s-%d-h%d.json" % (pre, step, n)); n += 1
    print("move 5 5"); print("wait 1"); print("dump %s-%d-state.json" % (pre, step))
hover_all(0)
print("key quote"); print("key quote"); hover_all(2)
x, y, w, h = g["next"]; print("click %d %d" % (x + w // 2, y + h // 2)); hover_all(3)
for _ in range(T): print("key quote")
hover_all(T - 1)
for _ in range(T - 2): print("key semicolon")
x, y, w, h = g["prev"]; print("click %d %d" % (x + w // 2, y + h // 2)); print("click %d %d" % (x + w // 2, y + h // 2))
print("key quote")
hover_all(1)
print("screenshot %s.png" % pre)
print("lesson masked-attention"); print("wait 1"); print("dump %s-masked.json" % pre)
print("quit")
EOF
  "$APP" --sentence "$sent" --script "$T/$tag-s.txt" --size "$size" --theme "$theme" || fail "$tag: step run failed"
  python3 - "$MODEL" "$T/$tag-trace.json" "$T/$tag" <<'EOF' || fail "$tag: drawn state differs from the trace"
import glob, json, math, re, struct, sys
path, tr, pre = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
f = open(path, "rb"); n = struct.unpack("<Q", f.read(8))[0]; hdr = json.loads(f.read(n))
a, b = hdr["embedding.weight"]["data_offsets"]; V, D = hdr["embedding.weight"]["shape"]
f.seek(8 + n + a); E = struct.unpack("<%df" % (V * D), f.read(b - a))
tgt, out = tr["tgt_ids"], tr["out_ids"]; T = len(tgt)
assert tgt[0] == 1, "decoder input does not start with <bos>"
for t in range(T - 1): assert tgt[t + 1] == out[t], ("not shifted right", t)
def pe(p, d): return math.sin(p / 10000 ** (d / D)) if d % 2 == 0 else math.cos(p / 10000 ** ((d - 1) / D))
def emb(p, d): return E[tgt[p] * D + d] * math.sqrt(D)
for step in (0, 2, 3, T - 1, 1):
    s = min(step, T - 1)
    st = json.load(open("%s-%d-state.json" % (pre, step)))
    ls = st["lesson_state"]
    assert st["lesson_slug"] == "decoder-input", st
    assert ls["step"] == s and st["selection"]["step"] == s, (step, ls, st["selection"])
    assert ls["input"] == tgt[:s + 1] and ls["predicted"] == out[s], (step, ls)
    rows, n_ok = set(), {}
    for p in sorted(glob.glob("%s-%d-h*.json" % (pre, step))):
        hv = json.load(open(p))["hover"]
        if not hv or hv.get("value") is None: continue
        m = re.match(r"^(dec embedding \u00d7 \u221ad|dec PE|dec X)\[(\d+)\]\[(\d+)\]", hv["label"])
        if not m: continue
        r, c = int(m.group(2)), int(m.group(3))
        want = {"dec PE": pe(r, c), "dec X": emb(r, c) + pe(r, c)}.get(m.group(1), emb(r, c))
        assert abs(hv["value"] - want) < 2e-5 * max(1, abs(want)), (hv, want)
        assert r <= s, ("a row after the step is drawn", hv, s)
        rows.add(r); n_ok[m.group(1)] = n_ok.get(m.group(1), 0) + 1
    assert len(n_ok) == 3 and min(n_ok.values()) >= 2, ("too few cells", step, n_ok)
    assert len(rows) == min(s + 1, 6) or len(rows) >= 4, ("rows not covered", step, rows)
m = json.load(open(pre + "-masked.json"))
assert m["lesson_slug"] == "masked-attention" and m["lesson_state"]["step"] == 1, m["lesson_state"]
print("ok", pre, "T", T)
EOF
  # hover the prediction chip of the current step (row 1): probability from tlab-run
  python3 - "$T/$tag-geo.json" "$T/$tag" > "$T/$tag-c.txt" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))["lesson_state"]; pre = sys.argv[2]
x, y, w, h = g["prev"]
top = y + h
print("lesson decoder-input"); print("key quote")
n = 0
for i in range(3):
    for j in range(30):
        print("move %d %d" % (x + 20 + j * 36, top + 16 + i * 20)); print("wait 1"); print("dump %s-chip%d.json" % (pre, n)); n += 1
print("quit")
EOF
  "$APP" --sentence "$sent" --script "$T/$tag-c.txt" --size "$size" --theme "$theme" || fail "$tag: chip run failed"
  PYTHONPATH=$HERE python3 - "$T/$tag-trace.json" "$T/$tag" <<'EOF' || fail "$tag: chip probabilities differ from tlab-run"
import e2e_util, json, math, sys
tr = json.load(open(sys.argv[1])); pre = sys.argv[2]
seen = 0
for hv, m in e2e_util.hover_matches(pre + "-chip*.json", r"^probability of \"(.*)\" \(id (\d+)\), predicted at step (\d+)"):
    t, i = int(m.group(3)) - 1, int(m.group(2))  # steps are shown from 1
    lg = tr["logits"][t]; mx = max(lg); z = sum(math.exp(v - mx) for v in lg)
    want = math.exp(lg[i] - mx) / z
    assert i == tr["out_ids"][t] and abs(hv["value"] - want) < 1e-5, (hv, want)
    seen += 1
assert seen >= 3, ("no prediction chip hovered", seen)
print("ok chips", seen)
EOF
}

run_sentence a "the dog sees the cat" light 1280x800
check_png "$T/a.png" 1280 800
run_sentence b "the woman sees the old dog in the garden" dark 1920x1080
check_png "$T/b.png" 1920 1080
# the same lesson state with another sentence draws another picture (screenshot only)
printf 'lesson decoder-input\nkey quote\nwait 1\nmove 5 5\nwait 1\nscreenshot %s\nquit\n' "$T/c.png" > "$T/c.txt"
"$APP" --sentence "the woman sees the old dog in the garden" --script "$T/c.txt" --size 1280x800 --theme light || fail "c: screenshot run failed"
cmp -s "$T/a.png" "$T/c.png" && fail "the two sentences draw the same picture"
echo "PASS test_lesson_decoder_input"
