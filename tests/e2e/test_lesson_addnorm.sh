#!/usr/bin/env bash
# test_lesson_addnorm.sh - lesson 7 (Add & Norm) end to end, headless.
# An independent reference (Python stdlib, tests/e2e/encoder_ref.py: reads the
# safetensors file and runs the paper's post-LN encoder and decoder by hand;
# checked against the attention maps and logits of `tlab-run --trace-json`)
# gives x, Sublayer(x), x + Sublayer(x), LayerNorm's output, the per-row mean
# and std and gamma/beta of every Add & Norm. For two sentences, one after the
# attention in encoder layer 1 and one after the feed-forward network in
# encoder layer 2 (keys ] and F), then in the decoder (key D for the first
# sentence, the decoder button for the second) for each of its three
# sub-layers (masked self-attention, cross-attention, feed-forward: key F or
# the buttons) in the other layer, hovered cells of every heatmap, of the
# statistics table and of the gamma/beta bars must equal the reference for
# that stack, layer, sub-layer, row and dim; the dump must name the stack;
# D again goes back to the encoder; the two sentences draw different
# pictures; PNGs have the right size and are not blank.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
cp "$HERE/encoder_ref.py" "$T/ref.py"

run_sentence() { # TAG SENTENCE THEME SIZE ENC_LAYER FFN(0/1) DEC_LAYER HOW(key/click)
  local tag=$1 sent=$2 theme=$3 size=$4 nl=$5 ffn=$6 dl=$7 how=$8
  "$RUN" --trace-json "$T/$tag-trace.json" "$sent" > /dev/null || fail "tlab-run failed on '$sent'"
  printf 'lesson add-norm\nwait 1\ndump %s\nkey d\nwait 1\ndump %s\nquit\n' "$T/$tag-geo.json" "$T/$tag-dgeo.json" > "$T/$tag-g.txt"
  "$APP" --sentence "$sent" --script "$T/$tag-g.txt" --size "$size" --theme "$theme" || fail "$tag: geometry run failed"
  python3 - "$T/$tag-geo.json" "$T/$tag-dgeo.json" "$T/$tag" "$nl" "$ffn" "$dl" "$how" > "$T/$tag-s.txt" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))["lesson_state"]; gd = json.load(open(sys.argv[2]))["lesson_state"]
pre = sys.argv[3]; nl, ffn, dl, how = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
assert g["stack"] == "encoder" and gd["stack"] == "decoder", (g["stack"], gd["stack"])
def click(r): x, y, w, h = r; print("click %d %d" % (x + w // 2, y + h // 2))
def hover(rects, n, tag):
    k = 0
    for r in rects:
        x, y, w, h = r
        for i in range(n):
            for j in range(n):
                print("move %d %d" % (x + w * 0.8 * (j + 0.5) / n, y + h * (0.15 + 0.85 * (i + 0.5) / n)))  # not on the colour bar
                print("wait 1"); print("dump %s-%s-h%d.json" % (pre, tag, k)); k += 1
print("lesson add-norm")
print("wait 1"); print("move 5 5"); print("wait 1"); print("screenshot %s.png" % pre)  # the default state, as for c.png
for _ in range(nl): print("key rightbracket")
if ffn: click(g["btn_ffn"])
print("wait 1"); print("dump %s-e-state.json" % pre)
hover(g["mats"] + [g["stats"], g["gamma"], g["beta"]], 4, "e")
# the decoder: its layer through the shared selection, then its three sub-layers
if how == "key": print("key d")
else: click(g["btn_dec"])
for _ in range(abs(dl - nl)): print("key %s" % ("rightbracket" if dl > nl else "leftbracket"))
order = ["attention", "cross", "ffn"] if not ffn else ["ffn", "attention", "cross"]
for k, sub in enumerate(order):
    if k and how == "key": print("key f")
    elif k: click(gd[{"attention": "btn_attn", "cross": "btn_cross", "ffn": "btn_ffn"}[sub]])
    print("wait 1"); print("dump %s-d%d-state.json" % (pre, k))
    hover(gd["mats"] + [gd["stats"], gd["gamma"], gd["beta"]], 3, "d%d" % k)
print("move 5 5"); print("wait 1"); print("screenshot %s-dec.png" % pre)
print("key d"); print("wait 1"); print("dump %s-back-state.json" % pre)
print("quit")
EOF
  "$APP" --sentence "$sent" --script "$T/$tag-s.txt" --size "$size" --theme "$theme" || fail "$tag: hover run failed"
  python3 - "$T/ref.py" "$MODEL" "$T/$tag-trace.json" "$T/$tag" "$nl" "$ffn" "$dl" <<'EOF' || fail "$tag: hovered values differ from the reference"
import json, re, sys
exec(open(sys.argv[1]).read())
W = load(sys.argv[2]); tr = json.load(open(sys.argv[3])); pre = sys.argv[4]; nl, ffn, dl = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
enc, dec = full_ref(W, tr)

def check(tag, stack, layer, L, k, sub_name, sub_key, x_key):
    # hovers of one Add & Norm: norm k of this stack's layer; Sublayer(x) is L[sub_key], x is L[x_key]
    mats = {"x": L[x_key], sub_name: L[sub_key], "sum": L["sum%d" % k], "LayerNorm out": L["n%d" % k]}
    P = "%s.layers.%d.norm%d." % (stack, layer, k)
    gamma, beta, mean, std = W[P + "weight"], W[P + "bias"], L["mean%d" % k], L["std%d" % k]
    where = "%s layer %d" % (stack, layer + 1)
    n_ok = {}
    for lab, v in hovers("%s-%s-h*.json" % (pre, tag)):
        m = re.match(r"^(x|FFN\(x\)|MultiHead\(x\)|MaskedAttn\(x\)|CrossAttn\(x\)|sum|LayerNorm out)\[(\d+)\]\[(\d+)\]", lab)
        if m:
            name, r, c = m.group(1), int(m.group(2)), int(m.group(3))
            assert lab.endswith(where), (lab, where)
            assert name in mats, ("another sub-layer's name", lab, sub_name)
            assert close(v, mats[name][r][c]), (lab, v, mats[name][r][c]); n_ok[name] = n_ok.get(name, 0) + 1; continue
        m = re.match(r"^(mean|std) (before|after).*token (\d+) ", lab)
        if m:
            kind, when, r = m.group(1), m.group(2), int(m.group(3))
            assert lab.endswith(where), (lab, where)
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
    for name in ["x", sub_name, "sum", "LayerNorm out", "stats", "gb"]:
        assert n_ok.get(name, 0) >= 4, ("too few hovers checked", tag, name, n_ok)
    print("ok", pre, tag, stack, layer, "norm%d" % k, n_ok)

def state(name, stack, sub, layer, rows):
    st = json.load(open("%s-%s-state.json" % (pre, name)))
    assert st["lesson_slug"] == "add-norm", st
    ls = st["lesson_state"]
    assert (ls["stack"], ls["sublayer"], ls["layer"], ls["rows"]) == (stack, sub, layer, rows), (name, ls)

S, T = len(tr["src_ids"]), len(tr["tgt_ids"])
L = enc[nl]
state("e", "encoder", "ffn" if ffn else "attention", nl, S)
if ffn: check("e", "encoder", nl, L, 2, "FFN(x)", "ffn", "n1")
else: check("e", "encoder", nl, L, 1, "MultiHead(x)", "attn", "input")
L = dec[dl]
subs = {"attention": (1, "MaskedAttn(x)", "self", "input"), "cross": (2, "CrossAttn(x)", "cross", "n1"), "ffn": (3, "FFN(x)", "ffn", "n2")}
order = ["attention", "cross", "ffn"] if not ffn else ["ffn", "attention", "cross"]
for k, sub in enumerate(order):
    state("d%d" % k, "decoder", sub, dl, T)
    check("d%d" % k, "decoder", dl, L, *subs[sub])
# D again: the encoder, the same sub-layer (from cross-attention: the attention, the encoder has no cross-attention)
state("back", "encoder", "ffn" if order[-1] == "ffn" else "attention", dl, S)
EOF
  png_ok "$T/$tag-dec.png" "${size%x*}" "${size#*x}"
}

run_sentence a "the dog sees the cat" light 1280x800 0 0 1 key
png_ok "$T/a.png" 1280 800
run_sentence b "the woman sees the old dog in the garden" dark 1920x1080 1 1 0 click
png_ok "$T/b.png" 1920 1080
# the same lesson state with another sentence draws another picture (screenshot only)
printf 'lesson add-norm\nwait 1\nmove 5 5\nwait 1\nscreenshot %s\nquit\n' "$T/c.png" > "$T/c.txt"
"$APP" --sentence "the woman sees the old dog in the garden" --script "$T/c.txt" --size 1280x800 --theme light || fail "c: screenshot run failed"
cmp -s "$T/a.png" "$T/c.png" && fail "the two sentences draw the same picture"
echo "PASS test_lesson_addnorm"
