#!/usr/bin/env bash
# test_lesson_encoder_stack.sh - lesson 9 (the encoder stack), headless, for two
# sentences: every layer x head has a map; hovering a cell of the map of layer
# l, head h reports attention.encoder[l].self[h][q][k] of `tlab-run
# --trace-json`; clicking a map selects that layer and head (shared selection);
# Enter opens lesson 5 with the same layer and head; the memory differs
# between the sentences; screenshots have the right size and are not blank.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"

PYTHONPATH=$HERE python3 - "$APP" "$RUN" "$T" <<'PY'
import sys
from e2e_util import Lab, cell, fail
lab = Lab(*sys.argv[1:4])

sentences = ["the dog sees the cat", "i know that the big dog sees the small cat"]
mems, shots = [], []
for si, sent, tr in lab.each_trace(sentences):
    W, S = tr["attention"]["encoder"], len(tr["src_ids"])
    NL, H = tr["config"]["n_enc_layers"], tr["config"]["n_heads"]
    lab.script(lab.typed(sent, "encoder-stack") + [lab.dump("g%d" % si)], "g%d" % si)
    g = lab.load("g%d" % si)
    if g["lesson_slug"] != "encoder-stack": fail("not on encoder-stack: %s" % g["lesson_slug"])
    ls = g["lesson_state"]
    if len(ls["tiles"]) != NL * H: fail("%d maps for %d layers x %d heads" % (len(ls["tiles"]), NL, H))
    lines = lab.typed(sent, "encoder-stack")
    probes = []
    for t in ls["tiles"]:
        q, k = (t["layer"] + t["head"]) % S, (S - 1 - t["head"]) % S
        lines += lab.hover(*cell(t, q, k), "h%d_%d_%d" % (si, t["layer"], t["head"]))
        probes.append((t["layer"], t["head"], q, k))
    last = ls["tiles"][-1]
    lines += ["click %d %d" % (last["x"] + 2, last["y"] + 2), "wait 1", lab.dump("c%d" % si),
              "move 5 5", lab.shot("s%d" % si), "key Return", "wait 1", lab.dump("a%d" % si)]
    lab.script(lines, "h%d" % si)
    for l, h, q, k in probes:
        hv = lab.load("h%d_%d_%d" % (si, l, h))["hover"]
        want = "layer %d head %d[%d][%d]" % (l + 1, h + 1, q, k)
        if not hv or not hv["label"].startswith(want): fail("hover: %s, want %s" % (hv, want))
        if abs(hv["value"] - W[l]["self"][h][q][k]) > 1e-6: fail("%s = %r, trace %r" % (want, hv["value"], W[l]["self"][h][q][k]))
    c = lab.load("c%d" % si)
    if (c["selection"]["layer"], c["selection"]["head"]) != (NL - 1, H - 1): fail("click did not select the last map: %s" % c["selection"])
    a = lab.load("a%d" % si)
    if a["lesson_slug"] != "attention": fail("Enter opened %s" % a["lesson_slug"])
    if (a["lesson_state"]["layer"], a["lesson_state"]["head"]) != (NL - 1, H - 1): fail("lesson 5 shows another head: %s" % a["lesson_state"])
    shots.append(("s%d" % si, 1280, 800))
    mems.append(ls["memory_abs_sum"])
    print("sentence %d: %d maps hovered = trace, click selects, Enter opens lesson 5" % (si, NL * H))
lab.pngs(shots)
if mems[0] == mems[1]: fail("the memory did not change with the sentence")
print("ok")
PY
