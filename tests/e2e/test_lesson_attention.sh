#!/usr/bin/env bash
# test_lesson_attention.sh - lesson 5 (scaled dot-product attention), headless:
# for two sentences, go to the softmax step, find the weights grid through the
# lesson's dump, hover cells and check each hovered value equals
# attention.encoder[l].self[h][q][k] of `tlab-run --trace-json`; every row of
# the shown weights sums to 1; switching the scaling off (key S) and growing f
# changes the dump and the picture (rows get sharper); hovering a score cell in
# step 1 reports the trace's raw score; screenshots have the right size and are
# not blank; the two sentences give different dumps.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"

PYTHONPATH=$HERE python3 - "$APP" "$RUN" "$T" <<'EOF'
import json, math, sys
from e2e_util import Lab, cell, fail
lab = Lab(*sys.argv[1:4])

sentences = ["the dog sees the cat", "today the young children have found a black ball in the garden"]
dumps, shots = [], []
for si, sent, tr in lab.each_trace(sentences):
    W, S = tr["attention"]["encoder"], len(tr["src_ids"])
    # step 3 (softmax): geometry first, with layer 2 and head 3 selected
    pre = lab.typed(sent, "attention") + ["key rightbracket", "key period", "key period"]
    lab.script(pre + [lab.dump("g1_%d" % si), "key Right", "key Right", lab.dump("g%d" % si)], "g%d" % si)
    pre += ["key Right", "key Right"]
    g = lab.load("g%d" % si)
    ls = g["lesson_state"]
    if g["lesson_slug"] != "attention" or g["step"] != 2: fail("not on the softmax step: %s step %s" % (g["lesson_slug"], g["step"]))
    layer, head = ls["layer"], ls["head"]
    if (layer, head) != (1, 2): fail("selection not layer 2 head 3: %s %s" % (layer, head))
    if ls["rows"] != S or ls["cols"] != S: fail("grid %dx%d, want %dx%d" % (ls["rows"], ls["cols"], S, S))
    if ls["what_if"] != 0: fail("starts in what-if mode")
    for i, v in enumerate(ls["row_sums"]):
        if abs(v - 1) > 1e-5: fail("row %d of the weights sums to %g" % (i, v))
    for i in range(S):
        if abs(ls["row_max"][i] - max(W[layer]["self"][head][i])) > 1e-5: fail("row max %d differs from the trace" % i)
    cells = [(0, 0), (S - 1, S - 1), (1, S - 2), (S // 2, 0)]
    lines = list(pre)
    for k, (q, c) in enumerate(cells):
        lines += lab.hover(*cell(ls["grid"], q, c), "h%d_%d" % (si, k))
    lines += ["move 5 5", lab.shot("soft%d" % si)]
    # the what-if: scaling off, f = 4
    lines += ["key s", "key equals", "key equals", "key equals", "wait 1", lab.dump("w%d" % si), lab.shot("whatif%d" % si)]
    # step 1: hover the raw scores A[1][0] and A[1][1]
    g1 = lab.load("g1_%d" % si)
    if g1["step"] != 0: fail("the lesson did not open on step 1")
    lines += ["key Left", "key Left", lab.dump("back%d" % si)]
    for k in range(2):
        lines += lab.hover(*cell(g1["lesson_state"]["grid"], 1, k), "a%d_%d" % (si, k))
    lab.script(lines, "h%d" % si)
    for k, (q, c) in enumerate(cells):
        h = lab.load("h%d_%d" % (si, k))["hover"]
        if not h or "value" not in h: fail("nothing hovered at cell %d,%d" % (q, c))
        want = "B[%d][%d]" % (q, c)
        if not h["label"].startswith(want): fail("hovered '%s', want %s" % (h["label"], want))
        if abs(h["value"] - W[layer]["self"][head][q][c]) > 1e-6:
            fail("hover B[%d][%d] = %r, trace %r" % (q, c, h["value"], W[layer]["self"][head][q][c]))
    w = lab.load("w%d" % si)["lesson_state"]
    if w["what_if"] != 1 or w["factor"] != 4: fail("what-if state wrong: %s" % w)
    for i, v in enumerate(w["row_sums"]):
        if abs(v - 1) > 1e-5: fail("what-if row %d sums to %g" % (i, v))
    if not all(a >= b - 1e-6 for a, b in zip(w["row_max"], ls["row_max"])): fail("unscaled f=4 rows are not sharper")
    if sum(w["row_entropy"]) >= sum(ls["row_entropy"]) - 0.1: fail("entropy did not drop without scaling")
    shots += [("soft%d" % si, 1280, 800), ("whatif%d" % si, 1280, 800)]
    if open(lab.path("soft%d.png" % si), "rb").read() == open(lab.path("whatif%d.png" % si), "rb").read():
        fail("switching the scaling off did not change the picture")
    if lab.load("back%d" % si)["step"] != 0: fail("Left did not go back to step 1")
    h = lab.load("a%d_0" % si)["hover"]
    h2 = lab.load("a%d_1" % si)["hover"]
    if not h or not h["label"].startswith("A[1][0]"): fail("step 1 hover: %s" % h)
    if not h2 or not h2["label"].startswith("A[1][1]"): fail("step 1 hover: %s" % h2)
    # softmax(A/sqrt(d_k)) of row 1 must give the trace's weights: the ratio of two of them is exp of the score difference
    dk = tr["config"]["d_model"] // tr["config"]["n_heads"]
    ratio = math.exp((h["value"] - h2["value"]) / math.sqrt(dk))
    want = W[layer]["self"][head][1][0] / W[layer]["self"][head][1][1]
    if abs(ratio - want) > 1e-4 * max(1, want): fail("exp((A10-A11)/sqrt(dk)) = %g, trace B10/B11 = %g" % (ratio, want))
    dumps.append(json.dumps(ls, sort_keys=True))
    print("sentence %d: %d tokens, hovers match the trace, rows sum to 1, what-if sharper" % (si, S))

lab.pngs(shots)
if dumps[0] == dumps[1]: fail("two sentences gave the same lesson dump")
print("ok")
EOF
