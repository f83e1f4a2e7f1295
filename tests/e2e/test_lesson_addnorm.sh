#!/usr/bin/env bash
# test_lesson_addnorm.sh - lesson 7 (Add & Norm) end to end, headless.
# An independent reference (Python stdlib: reads the safetensors file and runs
# the paper's post-LN encoder layer by hand; checked against the attention of
# `tlab-run --trace-json`) gives x, Sublayer(x), x + Sublayer(x), LayerNorm's
# output, the per-token mean and std and gamma/beta. For two sentences, one
# after the attention in layer 1 and one after the feed-forward network in
# layer 2 (keys ] and F), hovered cells of every heatmap, of the statistics
# table and of the gamma/beta bars must equal the reference; the two sentences
# must draw different pictures; PNGs have the right size and are not blank.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
# The reference encoder, stdlib only (tests/e2e/encoder_ref.py): enc_ref(model, ids) -> per layer
# dicts of [S][D] (or [S][F]) lists: input, attn, sum1, mean1, std1, n1, hidden, ffn, sum2, mean2, std2, n2, attnw.
cp "$HERE/encoder_ref.py" "$T/ref.py"

run_sentence() { # TAG SENTENCE THEME SIZE NLAYER FFN(0/1)
  local tag=$1 sent=$2 theme=$3 size=$4 nl=$5 ffn=$6
  "$RUN" --trace-json "$T/$tag-trace.json" "$sent" > /dev/null || fail "tlab-run failed on '$sent'"
  printf 'lesson add-norm\nwait 1\ndump %s\nquit\n' "$T/$tag-geo.json" > "$T/$tag-g.txt"
  "$APP" --sentence "$sent" --script "$T/$tag-g.txt" --size "$size" --theme "$theme" || fail "$tag: geometry run failed"
  python3 - "$T/$tag-geo.json" "$T/$tag" "$nl" "$ffn" > "$T/$tag-s.txt" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))["lesson_state"]; pre = sys.argv[2]; nl = int(sys.argv[3]); ffn = int(sys.argv[4])
print("lesson add-norm")
for _ in range(nl): print("key rightbracket")
if ffn:
    x, y, w, h = g["btn_ffn"]; print("click %d %d" % (x + w // 2, y + h // 2))
print("wait 1"); print("dump %s-state.json" % pre)
n = 0
rects = g["mats"] + [g["stats"], g["gamma"], g["beta"]]
for r in rects:
    x, y, w, h = r
    for i in range(5):
        for j in range(5):
            print("move %d %d" % (x + w * (j + 0.5) / 5, y + h * (0.15 + 0.85 * (i + 0.5) / 5)))
            print("wait 1"); print("dump %s-h%d.json" % (pre, n)); n += 1
print("move 5 5"); print("wait 1"); print("screenshot %s.png" % pre)
print("quit")
EOF
  "$APP" --sentence "$sent" --script "$T/$tag-s.txt" --size "$size" --theme "$theme" || fail "$tag: hover run failed"
  python3 - "$T/ref.py" "$MODEL" "$T/$tag-trace.json" "$T/$tag" "$nl" "$ffn" <<'EOF' || fail "$tag: hovered values differ from the reference"
import json, re, sys
exec(open(sys.argv[1]).read())
W = load(sys.argv[2]); tr = json.load(open(sys.argv[3])); pre = sys.argv[4]; nl = int(sys.argv[5]); ffn = int(sys.argv[6])
layers = enc_ref(W, tr["src_ids"])
check_attention(layers, tr)
L = layers[nl]
st = json.load(open(pre + "-state.json"))
assert st["lesson_slug"] == "add-norm", st
ls = st["lesson_state"]
assert ls["layer"] == nl and ls["sublayer"] == ("ffn" if ffn else "attention"), ls
k = "2" if ffn else "1"
mats = {"x": L["n1"] if ffn else L["input"], "FFN(x)": L["ffn"], "MultiHead(x)": L["attn"], "sum": L["sum" + k], "LayerNorm out": L["n" + k]}
gamma, beta = W["encoder.layers.%d.norm%s.weight" % (nl, k)], W["encoder.layers.%d.norm%s.bias" % (nl, k)]
mean, std = L["mean" + k], L["std" + k]
n_ok = {}
for n in range(7 * 25):
    d = json.load(open("%s-h%d.json" % (pre, n)))
    hv = d["hover"]
    if not hv or hv.get("value") is None: continue
    lab, v = hv["label"], hv["value"]
    m = re.match(r"^(x|FFN\(x\)|MultiHead\(x\)|sum|LayerNorm out)\[(\d+)\]\[(\d+)\]", lab)
    if m:
        name, r, c = m.group(1), int(m.group(2)), int(m.group(3))
        assert ("encoder layer %d" % (nl + 1)) in lab, lab
        assert not (ffn and name == "MultiHead(x)") and not (not ffn and name == "FFN(x)"), lab
        assert close(v, mats[name][r][c]), (lab, v, mats[name][r][c]); n_ok[name] = n_ok.get(name, 0) + 1; continue
    m = re.match(r"^(mean|std) (before|after).*token (\d+) ", lab)
    if m:
        kind, when, r = m.group(1), m.group(2), int(m.group(3))
        out = mats["LayerNorm out"][r]
        if when == "before": want = mean[r] if kind == "mean" else std[r]
        else:
            mu = sum(out) / len(out)
            want = mu if kind == "mean" else (sum((t - mu) ** 2 for t in out) / len(out)) ** 0.5
        assert close(v, want), (lab, v, want); n_ok["stats"] = n_ok.get("stats", 0) + 1; continue
    m = re.match(r"^(\u03b3|\u03b2)\[(\d+)\]", lab)
    if m:
        want = (gamma if m.group(1) == "\u03b3" else beta)[int(m.group(2))]
        assert close(v, want, 1e-6), (lab, v, want); n_ok["gb"] = n_ok.get("gb", 0) + 1
for name in ["x", "FFN(x)" if ffn else "MultiHead(x)", "sum", "LayerNorm out", "stats", "gb"]:
    assert n_ok.get(name, 0) >= 4, ("too few hovers checked", name, n_ok)
print("ok", pre, n_ok)
EOF
}

run_sentence a "the dog sees the cat" light 1280x800 0 0
check_png "$T/a.png" 1280 800
run_sentence b "the woman sees the old dog in the garden" dark 1920x1080 1 1
check_png "$T/b.png" 1920 1080
# the same lesson state with another sentence draws another picture (screenshot only)
printf 'lesson add-norm\nwait 1\nmove 5 5\nwait 1\nscreenshot %s\nquit\n' "$T/c.png" > "$T/c.txt"
"$APP" --sentence "the woman sees the old dog in the garden" --script "$T/c.txt" --size 1280x800 --theme light || fail "c: screenshot run failed"
cmp -s "$T/a.png" "$T/c.png" && fail "the two sentences draw the same picture"
echo "PASS test_lesson_addnorm"
