#!/usr/bin/env bash
# test_lesson_ffn.sh - lesson 8 (Feed-forward) end to end, headless.
# An independent reference (Python stdlib, tests/e2e/encoder_ref.py: reads the
# safetensors file and runs the paper's post-LN encoder and decoder by hand;
# checked against the attention maps and logits of `tlab-run --trace-json`)
# gives the FFN input x, the hidden units after ReLU, FFN(x), the zeros per
# row and how many rows each unit fires for. For two sentences and both
# encoder layers (key ]), then the decoder (key D for the first sentence, the
# decoder button for the second) in the other layer, hovered cells of the
# three heatmaps, the zero-share bars and the per-unit bars must equal the
# reference for that stack and layer (decoder: x = norm2 out, rows = the
# decoder input); the layer shown follows the shared selection; the dump names
# the stack and D goes back to the encoder; the two sentences draw different
# pictures; PNGs have the right size and are not blank.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
# The reference, stdlib only (tests/e2e/encoder_ref.py): full_ref(model, trace) -> (encoder, decoder) per layer
# dicts of [rows][D] (or [rows][F]) lists; the FFN's are n1 (encoder) / n2 (decoder), hidden, ffn.
cp "$HERE/encoder_ref.py" "$T/ref.py"

run_sentence() { # TAG SENTENCE THEME SIZE ENC_LAYER DEC_LAYER HOW(key/click)
  local tag=$1 sent=$2 theme=$3 size=$4 nl=$5 dl=$6 how=$7
  "$RUN" --trace-json "$T/$tag-trace.json" "$sent" > /dev/null || fail "tlab-run failed on '$sent'"
  printf 'lesson feed-forward\nwait 1\ndump %s\nquit\n' "$T/$tag-geo.json" > "$T/$tag-g.txt"
  "$APP" --sentence "$sent" --script "$T/$tag-g.txt" --size "$size" --theme "$theme" || fail "$tag: geometry run failed"
  python3 - "$T/$tag-geo.json" "$T/$tag" "$nl" "$dl" "$how" > "$T/$tag-s.txt" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))["lesson_state"]; pre = sys.argv[2]; nl, dl, how = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
assert g["stack"] == "encoder", g
def hover(tag, grid):
    n = 0
    for key, nx, ny in grid:
        x, y, w, h = g[key]
        for i in range(ny):
            for j in range(nx):
                print("move %d %d" % (x + w * (j + 0.5) / nx, y + h * (0.15 + 0.85 * (i + 0.5) / ny)))
                print("wait 1"); print("dump %s-%s-h%d.json" % (pre, tag, n)); n += 1
print("lesson feed-forward")
print("wait 1"); print("move 5 5"); print("wait 1"); print("screenshot %s.png" % pre)  # the default state, as for c.png
for _ in range(nl): print("key rightbracket")
print("wait 1"); print("dump %s-e-state.json" % pre)
hover("e", (("x", 5, 5), ("hidden", 11, 6), ("out", 5, 5), ("tok_bars", 3, 8), ("unit_bars", 13, 3)))
# the decoder (same layout), its layer through the shared selection
if how == "key": print("key d")
else: x, y, w, h = g["btn_dec"]; print("click %d %d" % (x + w // 2, y + h // 2))
for _ in range(abs(dl - nl)): print("key %s" % ("rightbracket" if dl > nl else "leftbracket"))
print("wait 1"); print("dump %s-d-state.json" % pre)
hover("d", (("x", 4, 4), ("hidden", 9, 4), ("out", 4, 4), ("tok_bars", 2, 7), ("unit_bars", 11, 2)))
print("move 5 5"); print("wait 1"); print("screenshot %s-dec.png" % pre)
print("key d"); print("wait 1"); print("dump %s-back-state.json" % pre)
print("quit")
EOF
  "$APP" --sentence "$sent" --script "$T/$tag-s.txt" --size "$size" --theme "$theme" || fail "$tag: hover run failed"
  python3 - "$T/ref.py" "$MODEL" "$T/$tag-trace.json" "$T/$tag" "$nl" "$dl" <<'EOF' || fail "$tag: hovered values differ from the reference"
import json, re, sys
exec(open(sys.argv[1]).read())
W = load(sys.argv[2]); tr = json.load(open(sys.argv[3])); pre = sys.argv[4]; nl, dl = int(sys.argv[5]), int(sys.argv[6])
enc, dec = full_ref(W, tr)

def state(name, stack, layer, rows):
    st = json.load(open("%s-%s-state.json" % (pre, name)))
    assert st["lesson_slug"] == "feed-forward", st
    ls = st["lesson_state"]
    assert (ls["stack"], ls["layer"], ls["rows"]) == (stack, layer, rows), (name, ls)
    assert st["selection"]["layer"] == layer, st["selection"]

def check(tag, stack, layer, L, x_key, x_from):
    S, F = len(L["hidden"]), len(L["hidden"][0])
    fires = [sum(1 for i in range(S) if L["hidden"][i][u] > 0) for u in range(F)]
    zshare = [sum(1 for u in range(F) if not L["hidden"][i][u] > 0) / F for i in range(S)]
    where = "%s layer %d" % (stack, layer + 1)
    n_ok = {}
    def ok(k): n_ok[k] = n_ok.get(k, 0) + 1
    for lab, v in hovers("%s-%s-h*.json" % (pre, tag)):
        m = re.match(r"^(x|hidden|FFN\(x\))\[(\d+)\]\[(\d+)\]", lab)
        if m:
            name, r, c = m.group(1), int(m.group(2)), int(m.group(3))
            want = {"x": L[x_key], "hidden": L["hidden"], "FFN(x)": L["ffn"]}[name][r][c]
            assert close(v, want), (lab, v, want)
            assert lab.endswith(where), (lab, where)
            if name == "hidden":
                assert ("fires for %d of %d tokens" % (fires[c], S)) in lab, (lab, fires[c])
                assert (want > 0) == (", off" not in lab), lab
            if name == "x": assert ("FFN input = %s out" % x_from) in lab, lab
            ok(name); continue
        m = re.match(r"^share of the (\d+) hidden units at 0 for token (\d+) ", lab)
        if m:
            assert int(m.group(1)) == F and abs(v - zshare[int(m.group(2))]) < 1e-6, (lab, v); ok("zeros"); continue
        m = re.match(r"^share of all (\d+)", lab)
        if m:
            assert int(m.group(1)) == S and abs(v - sum(zshare) / S) < 1e-6, (lab, v); ok("zeros"); continue
        m = re.match(r"^unit (\d+) fires", lab)
        if m:
            assert v == fires[int(m.group(1))], (lab, v, fires[int(m.group(1))]); ok("units")
    for k in ("x", "hidden", "FFN(x)", "zeros", "units"):
        assert n_ok.get(k, 0) >= 5, ("too few hovers checked", tag, k, n_ok)
    print("ok", pre, tag, stack, layer, n_ok)

S, T = len(tr["src_ids"]), len(tr["tgt_ids"])
state("e", "encoder", nl, S)
check("e", "encoder", nl, enc[nl], "n1", "norm1")
state("d", "decoder", dl, T)
check("d", "decoder", dl, dec[dl], "n2", "norm2")
state("back", "encoder", dl, S)
EOF
  png_ok "$T/$tag-dec.png" "${size%x*}" "${size#*x}"
}

run_sentence a "the dog sees the cat" light 1280x800 0 1 key
png_ok "$T/a.png" 1280 800
run_sentence b "the woman sees the old dog in the garden" dark 1920x1080 1 0 click
png_ok "$T/b.png" 1920 1080
# the same lesson state with another sentence draws another picture (screenshot only)
printf 'lesson feed-forward\nwait 1\nmove 5 5\nwait 1\nscreenshot %s\nquit\n' "$T/c.png" > "$T/c.txt"
"$APP" --sentence "the woman sees the old dog in the garden" --script "$T/c.txt" --size 1280x800 --theme light || fail "c: screenshot run failed"
cmp -s "$T/a.png" "$T/c.png" && fail "the two sentences draw the same picture"
echo "PASS test_lesson_ffn"
