#!/usr/bin/env bash
# test_lesson_multihead.sh - lesson 6 (multi-head attention), headless, for two
# sentences: clicking the thumbnail of head 3 selects head 3; hovering the
# enlarged map reports attention.encoder[l].self[h][q][k] of
# `tlab-run --trace-json`; in step 2 the per-head split of the output sums
# (with b_O) to the trace's out within 1e-4, and hovering W_Oᵀ[j][d] reports
# out_proj_weight[d][j] read straight from the model's safetensors file;
# screenshots have the right size and are not blank; the two sentences give
# different dumps.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"

PYTHONPATH=$HERE python3 - "$APP" "$RUN" "$T" "$ASSETS/model.safetensors" <<'EOF'
import json, sys
from e2e_util import Lab, cell, fail, tensor
model = sys.argv[4]
lab = Lab(*sys.argv[1:5])

sentences = ["the dog sees the cat", "a young woman does not help the old man"]
dumps, shots = [], []
for si, sent, tr in lab.each_trace(sentences):
    W, S = tr["attention"]["encoder"], len(tr["src_ids"])
    lab.script(lab.typed(sent, "multi-head") + [lab.dump("g%d" % si), "key Right", lab.dump("gs%d" % si)], "g%d" % si)
    g = lab.load("g%d" % si)
    if g["lesson_slug"] != "multi-head": fail("not on multi-head: %s" % g["lesson_slug"])
    ls = g["lesson_state"]
    H = tr["config"]["n_heads"]
    if len(ls["tiles"]) != H: fail("%d tiles for %d heads" % (len(ls["tiles"]), H))
    big = ls["big"]
    if (big["rows"], big["cols"]) != (S, S): fail("enlarged map %dx%d, want %dx%d" % (big["rows"], big["cols"], S, S))
    wg = lab.load("gs%d" % si)["lesson_state"]["wo"]
    x, y, w, h = ls["tiles"][2]
    lines = lab.typed(sent, "multi-head") + ["click %d %d" % (x + w // 2, y + h // 2), "wait 1", lab.dump("c%d" % si)]
    cells = [(0, S - 1), (S - 1, 0), (S // 2, S // 2)]
    for k, (q, kk) in enumerate(cells):
        lines += lab.hover(*cell(big, q, kk), "h%d_%d" % (si, k))
    lines += ["move 5 5", lab.shot("s1_%d" % si), "key Right", "wait 1", lab.dump("st2_%d" % si), lab.shot("s2_%d" % si)]
    # hover W_O^T[j][d], to compare with out_proj_weight[d][j] from the file
    j, d = 17, 40
    lines += lab.hover(*cell(wg, j, d), "wo%d" % si)
    lab.script(lines, "h%d" % si)
    c = lab.load("c%d" % si)
    if c["selection"]["head"] != 2 or c["lesson_state"]["head"] != 2: fail("click on head 3 selected %s" % c["selection"])
    for k, (q, kk) in enumerate(cells):
        hv = lab.load("h%d_%d" % (si, k))["hover"]
        if not hv or not hv["label"].startswith("[%d][%d]" % (q, kk)): fail("hover at %d,%d: %s" % (q, kk, hv))
        want = W[0]["self"][2][q][kk]
        if abs(hv["value"] - want) > 1e-6: fail("hover head 3 [%d][%d] = %r, trace %r" % (q, kk, hv["value"], want))
    s2 = lab.load("st2_%d" % si)
    if s2["step"] != 1: fail("Right did not reach step 2")
    st = s2["lesson_state"]
    if not (st["split_max_error"] < 1e-4): fail("heads' parts + b_O differ from the trace's out by %g" % st["split_max_error"])
    shape, wo = tensor(model, "encoder.layers.0.self_attn.out_proj.weight")
    D = shape[0]
    hv = lab.load("wo%d" % si)["hover"]
    if not hv or not hv["label"].startswith("W_O"): fail("W_O hover: %s" % hv)
    if abs(hv["value"] - wo[d * D + j]) > 1e-7: fail("W_O^T[%d][%d] = %r, file %r" % (j, d, hv["value"], wo[d * D + j]))
    shots += [("s1_%d" % si, 1280, 800), ("s2_%d" % si, 1280, 800)]
    dumps.append(json.dumps(st, sort_keys=True))
    print("sentence %d: %d tokens, click selects, hovers match trace and weights file, split sums to out" % (si, S))
lab.pngs(shots)
if dumps[0] == dumps[1]: fail("two sentences gave the same step-2 dump")
print("ok")
EOF
