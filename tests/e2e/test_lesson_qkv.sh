#!/usr/bin/env bash
# test_lesson_qkv.sh - lesson 4 (Q, K and V), headless, for two sentences:
# hover cells of X, W_Q, Q and K (encoder layer 1, head 1), of V after ". "
# (head 2) and of K after "M" (decoder self-attention), found through the
# lesson's dump, and check every hovered value against numbers computed here
# from assets/model.safetensors and the ids of `tlab-run --trace-json`:
# X = E[id]*sqrt(D) + PE, W = the head's rows of in_proj_weight, and
# Q/K/V[i][j] = X[i] . W[row] + b[row]. Also: the labels name the trace's
# tokens, the mode and head change in the dump, screenshots have the right
# size and are not blank, and the two sentences give different values.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(dirname "$0")/lib.sh" # BIN ASSETS APP RUN HERE T MODEL, headless SDL, HOME in T, fail, check_png, png_ok

PYTHONPATH=$HERE python3 - "$APP" "$RUN" "$T" "$TLAB_ASSETS" <<'EOF'
import math, re, sys
import e2e_util
app, run, tmp, assets = sys.argv[1:5]

lab, fail = e2e_util.Lab(app, run, tmp), e2e_util.fail
app_script, load, check_png = lab.script, lab.load, lambda path, w, h: e2e_util.check_png(path, w, h, fail)

def tensor(name):
    return e2e_util.tensor(assets + "/model.safetensors", name)[1]

(V, D), E = e2e_util.tensor(assets + "/model.safetensors", "embedding.weight")
H = lab.trace("the")["config"]["n_heads"]
K = D // H
W = {"enc": tensor("encoder.layers.0.self_attn.in_proj_weight"), "dec": tensor("decoder.layers.0.self_attn.in_proj_weight")}
B = {"enc": tensor("encoder.layers.0.self_attn.in_proj_bias"), "dec": tensor("decoder.layers.0.self_attn.in_proj_bias")}

def layer0_input(ids):
    X = []
    for pos, t in enumerate(ids):
        row = []
        for d in range(D):
            ang = pos / (10000.0 ** ((d - d % 2) / D))
            row.append(E[t * D + d] * math.sqrt(D) + (math.sin(ang) if d % 2 == 0 else math.cos(ang)))
        X.append(row)
    return X

def proj(X, side, p, h, i, j):
    r = p * D + h * K + j
    w = W[side]
    return sum(X[i][d] * w[r * D + d] for d in range(D)) + B[side][r]

def grid(rect, nx, ny):
    x, y, w, h = rect
    return [(x + w * (a + 0.5) / nx, y + h * (b + 0.5) / ny) for a in range(nx) for b in range(ny)]

def start(sentence):
    return lab.typed(sentence, "qkv")

sentences = ["the dog sees the cat", "today the young children have found a black ball in the garden"]
values = []
for si, sent, tr in lab.each_trace(sentences):
    src, tgt = tr["src_ids"], tr["tgt_ids"]
    Xe, Xd = layer0_input(src), layer0_input(tgt)
    app_script(start(sent) + ["dump %s/g%d.json" % (tmp, si)], "g%d" % si)
    g = load("g%d" % si)
    ls = g["lesson_state"]
    if g["lesson_slug"] != "qkv" or ls["mode"] != 0 or ls["layer"] != 0 or ls["head"] != 0:
        fail("unexpected start state: %s" % ls)
    # phase: (dump prefix, rectangle, keys before)
    phases = [("q", ls["out"][0], []), ("k", ls["out"][1], []), ("x", ls["x"][0], []), ("w", ls["w"][0], []),
              ("v", ls["out"][2], ["key period"]), ("dk", ls["out"][1], ["key m"])]
    lines = start(sent)
    names = []
    for tag, rect, keys in phases:
        lines += keys
        if tag == "v": lines += ["dump %s/st%d_v.json" % (tmp, si)]
        if tag == "dk": lines += ["dump %s/st%d_dk.json" % (tmp, si), "screenshot %s/s%d_dec.png" % (tmp, si)]
        for n, (px, py) in enumerate(grid(rect, 6, 7 if tag != "x" else 10)):
            lines += ["move %d %d" % (px, py), "dump %s/%s%d_%d.json" % (tmp, tag, si, n)]
            names.append("%s%d_%d" % (tag, si, n))
        if tag == "q": lines += ["screenshot %s/s%d_enc.png" % (tmp, si)]
    app_script(lines, "h%d" % si)
    if load("st%d_v" % si)["lesson_state"]["head"] != 1: fail("'.' did not select head 2")
    st = load("st%d_dk" % si)["lesson_state"]
    if st["mode"] != 1 or st["head"] != 1: fail("'m' did not switch to decoder self-attention: %s" % st)
    counts = {}
    got = []
    for nm in names:
        tag = re.match(r"[a-z]+", nm).group(0)
        hv = load(nm)["hover"]
        if not hv or hv.get("value") is None: continue
        label, val = hv["label"], hv["value"]
        if tag in ("q", "k", "v", "dk"):
            m = re.match(r"([QKV]) head (\d+) \[(\d+)\]\[(\d+)\] \(\u201c(.*?)\u201d, dim (\d+)\)", label)
            if not m: continue
            P, h1, i, j, word = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4)), m.group(5)
            p = "QKV".index(P)
            side, X, ids = ("dec", Xd, tgt) if tag == "dk" else ("enc", Xe, src)
            want_p, want_h = {"q": (0, 0), "k": (1, 0), "v": (2, 1), "dk": (1, 1)}[tag]
            if (p, h1 - 1) != (want_p, want_h): fail("%s: hover %r is not %s of head %d" % (nm, label, "QKV"[want_p], want_h + 1))
            words = tr["src_words"] if side == "enc" else tr["tgt_words"]
            if i >= len(ids) or word != words[i]:
                fail("%s: row %d is named %r, the trace has %r" % (nm, i, word, words[i] if i < len(words) else None))
            want = proj(X, side, p, want_h, i, j)
        elif tag == "x":
            m = re.match(r"X\[(\d+)\]\[(\d+)\]", label)
            if not m: continue
            i, d = int(m.group(1)), int(m.group(2))
            want = Xe[i][d]
        else:
            m = re.search(r"in_proj_weight\[(\d+)\]\[(\d+)\]", label)
            if not m: continue
            r, d = int(m.group(1)), int(m.group(2))
            if not (0 <= r < K): fail("W_Q of head 1 shows row %d" % r)
            want = W["enc"][r * D + d]
        if abs(val - want) > 2e-4 * max(1.0, abs(want)):
            fail("%s: %r = %.7g, expected %.7g" % (nm, label, val, want))
        counts[tag] = counts.get(tag, 0) + 1
        got.append(round(val, 5))
    for tag in ("q", "k", "x", "w", "v", "dk"):
        if counts.get(tag, 0) < 8: fail("sentence %d: only %d %s cells hovered and checked" % (si, counts.get(tag, 0), tag))
    values.append(got)
    check_png("%s/s%d_enc.png" % (tmp, si), 1280, 800)
    check_png("%s/s%d_dec.png" % (tmp, si), 1280, 800)

if values[0] == values[1]: fail("the two sentences gave the same hover values")
print("ok: qkv lesson X, W, Q, K, V hover values match the weights and ids, heads and modes switch, two sentences")
EOF
