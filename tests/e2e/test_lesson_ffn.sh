#!/usr/bin/env bash
# test_lesson_ffn.sh - lesson 8 (Feed-forward) end to end, headless.
# An independent reference (Python stdlib: reads the safetensors file and runs
# the paper's post-LN encoder by hand; checked against the attention of
# `tlab-run --trace-json`) gives the FFN input x, the hidden units after ReLU,
# FFN(x), the zeros per token and how many tokens each unit fires for. For two
# sentences and both encoder layers (key ]), hovered cells of the three
# heatmaps, the zero-share bars and the per-unit bars must equal the
# reference; the layer shown follows the shared selection; the two sentences
# draw different pictures; PNGs have the right size and are not blank.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
# The reference encoder, stdlib only (tests/e2e/encoder_ref.py): enc_ref(model, ids) -> per layer
# dicts of [S][D] (or [S][F]) lists: input, attn, sum1, mean1, std1, n1, hidden, ffn, sum2, mean2, std2, n2, attnw.
cp "$HERE/encoder_ref.py" "$T/ref.py"

run_sentence() { # TAG SENTENCE THEME SIZE NLAYER
  local tag=$1 sent=$2 theme=$3 size=$4 nl=$5
  "$RUN" --trace-json "$T/$tag-trace.json" "$sent" > /dev/null || fail "tlab-run failed on '$sent'"
  printf 'lesson feed-forward\nwait 1\ndump %s\nquit\n' "$T/$tag-geo.json" > "$T/$tag-g.txt"
  "$APP" --sentence "$sent" --script "$T/$tag-g.txt" --size "$size" --theme "$theme" || fail "$tag: geometry run failed"
  python3 - "$T/$tag-geo.json" "$T/$tag" "$nl" > "$T/$tag-s.txt" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))["lesson_state"]; pre = sys.argv[2]; nl = int(sys.argv[3])
print("lesson feed-forward")
for _ in range(nl): print("key rightbracket")
print("wait 1"); print("dump %s-state.json" % pre)
n = 0
for key, nx, ny in (("x", 5, 5), ("hidden", 11, 6), ("out", 5, 5), ("tok_bars", 3, 8), ("unit_bars", 13, 3)):
    x, y, w, h = g[key]
    for i in range(ny):
        for j in range(nx):
            print("move %d %d" % (x + w * (j + 0.5) / nx, y + h * (0.15 + 0.85 * (i + 0.5) / ny)))
            print("wait 1"); print("dump %s-h%d.json" % (pre, n)); n += 1
print("move 5 5"); print("wait 1"); print("screenshot %s.png" % pre)
print("quit")
EOF
  "$APP" --sentence "$sent" --script "$T/$tag-s.txt" --size "$size" --theme "$theme" || fail "$tag: hover run failed"
  python3 - "$T/ref.py" "$MODEL" "$T/$tag-trace.json" "$T/$tag" "$nl" <<'EOF' || fail "$tag: hovered values differ from the reference"
import glob, json, re, sys
exec(open(sys.argv[1]).read())
W = load(sys.argv[2]); tr = json.load(open(sys.argv[3])); pre = sys.argv[4]; nl = int(sys.argv[5])
layers = enc_ref(W, tr["src_ids"])
check_attention(layers, tr)
L = layers[nl]
S, F = len(L["hidden"]), len(L["hidden"][0])
fires = [sum(1 for i in range(S) if L["hidden"][i][u] > 0) for u in range(F)]
zshare = [sum(1 for u in range(F) if not L["hidden"][i][u] > 0) / F for i in range(S)]
st = json.load(open(pre + "-state.json"))
assert st["lesson_slug"] == "feed-forward" and st["lesson_state"]["layer"] == nl, st
assert st["selection"]["layer"] == nl, st["selection"]
n_ok = {}
def ok(k): n_ok[k] = n_ok.get(k, 0) + 1
for path in sorted(glob.glob(pre + "-h*.json")):
    hv = json.load(open(path))["hover"]
    if not hv or hv.get("value") is None: continue
    lab, v = hv["label"], hv["value"]
    m = re.match(r"^(x|hidden|FFN\(x\))\[(\d+)\]\[(\d+)\]", lab)
    if m:
        name, r, c = m.group(1), int(m.group(2)), int(m.group(3))
        want = {"x": L["n1"], "hidden": L["hidden"], "FFN(x)": L["ffn"]}[name][r][c]
        assert close(v, want), (lab, v, want)
        if name == "hidden":
            assert ("fires for %d of %d tokens" % (fires[c], S)) in lab, (lab, fires[c])
            assert (want > 0) == (", off" not in lab), lab
        else:
            assert ("encoder layer %d" % (nl + 1)) in lab, lab
        ok(name); continue
    m = re.match(r"^share of the (\d+) hidden units at 0 for token (\d+) ", lab)
    if m:
        assert int(m.group(1)) == F and abs(v - zshare[int(m.group(2))]) < 1e-6, (lab, v); ok("zeros"); continue
    m = re.match(r"^share of all", lab)
    if m:
        assert abs(v - sum(zshare) / S) < 1e-6, (lab, v); ok("zeros"); continue
    m = re.match(r"^unit (\d+) fires", lab)
    if m:
        assert v == fires[int(m.group(1))], (lab, v, fires[int(m.group(1))]); ok("units")
for k in ("x", "hidden", "FFN(x)", "zeros", "units"):
    assert n_ok.get(k, 0) >= 5, ("too few hovers checked", k, n_ok)
print("ok", pre, n_ok)
EOF
}

run_sentence a "the dog sees the cat" light 1280x800 0
check_png "$T/a.png" 1280 800
run_sentence b "the woman sees the old dog in the garden" dark 1920x1080 1
check_png "$T/b.png" 1920 1080
# the same lesson state with another sentence draws another picture (screenshot only)
printf 'lesson feed-forward\nwait 1\nmove 5 5\nwait 1\nscreenshot %s\nquit\n' "$T/c.png" > "$T/c.txt"
"$APP" --sentence "the woman sees the old dog in the garden" --script "$T/c.txt" --size 1280x800 --theme light || fail "c: screenshot run failed"
cmp -s "$T/a.png" "$T/c.png" && fail "the two sentences draw the same picture"
echo "PASS test_lesson_ffn"
