#!/usr/bin/env bash
# test_lesson_embedding.sh - lesson 2 (token embedding), headless, for two
# sentences: hover cells of the [S x D] heatmap (found through the lesson's
# dump) and check that each hovered token's id is the trace's src_ids[pos]
# (tlab-run --trace-json) and each value equals E[id][d] * sqrt(D) read
# straight from assets/model.safetensors; in step 2 the lit points are exactly
# words of the sentence or of its translation, the PCA's total variance equals
# the one computed here from E (rows 1..V-1), the variances decrease and each
# lit point's coordinates are no longer than its centred row; hovering a lit
# point names that word; the untrained view is there too; screenshots have the
# right size and are not blank; the two sentences give different dumps.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(dirname "$0")/lib.sh" # BIN ASSETS APP RUN HERE T MODEL, headless SDL, HOME in T, fail, check_png, png_ok

PYTHONPATH=$HERE python3 - "$APP" "$RUN" "$T" "$TLAB_ASSETS" <<'EOF'
import math, re, sys
import e2e_util
app, run, tmp, assets = sys.argv[1:5]

lab, fail = e2e_util.Lab(app, run, tmp), e2e_util.fail
app_script, load, check_png = lab.script, lab.load, lambda path, w, h: e2e_util.check_png(path, w, h, fail)

(V, D), E = e2e_util.tensor(assets + "/model.safetensors", "embedding.weight")
scale = math.sqrt(D)
# total variance of rows 1..V-1 (the lesson leaves <pad> out), in double
rows = range(1, V)
mean = [sum(E[i * D + j] for i in rows) / len(rows) for j in range(D)]
total = sum(sum((E[i * D + j] - mean[j]) ** 2 for j in range(D)) for i in rows) / len(rows)

def start(sentence):
    return lab.typed(sentence, "embedding")

sentences = ["the dog sees the cat", "today the young children have found a black ball in the garden"]
seen = []
for si, sent, tr in lab.each_trace(sentences):
    src = tr["src_ids"]
    S = len(src)
    app_script(start(sent) + ["dump %s/g%d.json" % (tmp, si)], "g%d" % si)
    g = load("g%d" % si)
    if g["lesson_slug"] != "embedding" or g["step"] != 0: fail("not on step 1 of the embedding lesson")
    if g["src_ids"] != src: fail("app and tlab-run disagree on the ids: %s vs %s" % (g["src_ids"], src))
    x, y, w, h = g["lesson_state"]["heat"]
    if w < 100 or h < 50: fail("heatmap rectangle too small: %s" % g["lesson_state"]["heat"])
    # hover a grid of points over the heatmap's rectangle; every hovered cell is checked
    pts = [(x + w * (i + 0.5) / 8, y + h * (j + 0.5) / 10) for i in range(8) for j in range(10)]
    lines = start(sent)
    for k, (px, py) in enumerate(pts):
        lines += ["move %d %d" % (px, py), "dump %s/h%d_%d.json" % (tmp, si, k)]
    lines += ["screenshot %s/s%d_1.png" % (tmp, si), "key Right", "dump %s/p%d.json" % (tmp, si), "screenshot %s/s%d_2.png" % (tmp, si)]
    app_script(lines, "h%d" % si)
    checked = set()
    for k in range(len(pts)):
        hv = load("h%d_%d" % (si, k))["hover"]
        if not hv: continue
        m = re.search(r"position (\d+) \(id (\d+)\), dimension (\d+)", hv["label"])
        if not m: continue
        pos, tid, d = map(int, m.groups())
        if pos >= S or src[pos] != tid: fail("hover says position %d is id %d, trace says %s" % (pos, tid, src[pos] if pos < S else "nothing"))
        want = E[tid * D + d] * scale
        if abs(hv["value"] - want) > 1e-5 * max(1.0, abs(want)):
            fail("E[%d][%d]*%g = %.7g but the hover shows %.7g (%s)" % (tid, d, scale, want, hv["value"], hv["label"]))
        checked.add((pos, d))
    if len(checked) < 25: fail("only %d heatmap cells were hovered" % len(checked))
    rows_seen = {p for p, _ in checked}
    if len(rows_seen) < min(S, 5): fail("hovered rows %s cover too few tokens" % sorted(rows_seen))
    seen.append(sorted((p, src[p]) for p in rows_seen))
    check_png("%s/s%d_1.png" % (tmp, si), 1280, 800)
    check_png("%s/s%d_2.png" % (tmp, si), 1280, 800)

    # step 2: the PCA views
    p = load("p%d" % si)
    if p["step"] != 1: fail("Right did not reach step 2")
    ls = p["lesson_state"]
    allowed = set(src) | set(tr["out_ids"])
    for view in ("before", "after"):
        vs = ls[view]
        if not vs["ok"]: fail("%s view has no projection" % view)
        var = vs["variance"]
        if not (var[0] >= var[1] >= var[2] > 0): fail("%s: variances not decreasing: %s" % (view, var))
        if not vs["lit"]: fail("%s: no lit words" % view)
        for q in vs["lit"]:
            if q["id"] not in allowed: fail("%s: lit id %d is not in the sentence or its translation" % (view, q["id"]))
    a = ls["after"]
    if abs(a["total"] - total) > 1e-4 * total: fail("PCA total variance %.6g, expected %.6g" % (a["total"], total))
    if sum(a["variance"]) > a["total"] * (1 + 1e-5): fail("top-3 variance exceeds the total")
    for q in a["lit"]:
        r2 = sum((E[q["id"] * D + j] - mean[j]) ** 2 for j in range(D))
        if sum(c * c for c in q["pc"]) > r2 * (1 + 1e-4) + 1e-9: fail("projection of id %d longer than its row" % q["id"])
    # hover a lit point that stands apart from the other lit points: the tooltip names it
    lit = a["lit"]
    cand = [q for q in lit if all(abs(q["x"] - o["x"]) + abs(q["y"] - o["y"]) > 12 for o in lit if o is not q)]
    if not cand: fail("every lit point overlaps another")
    q = cand[0]
    app_script(start(sent) + ["key Right", "move %d %d" % (q["x"], q["y"]), "dump %s/q%d.json" % (tmp, si)], "q%d" % si)
    hv = load("q%d" % si)["hover"]
    if not hv or "(id %d)" % q["id"] not in hv["label"] or "after training" not in hv["label"]:
        fail("hovering the point of id %d at (%d, %d) gave %s" % (q["id"], q["x"], q["y"], hv))
    num = e2e_util.UI_NUM # ui_fmt's form at 4 significant digits: a true minus, "1.234×10⁻⁴"
    m = re.search("PC1 %s, PC2 %s, PC3 %s" % (num, num, num), hv["label"])
    if not m or any(abs(e2e_util.ui_number(v) - c) > 1e-3 * max(1.0, abs(c)) for v, c in zip(m.groups(), q["pc"])):
        fail("hover coordinates %s differ from the dump %s" % (hv["label"], q["pc"]))

if seen[0] == seen[1]: fail("both sentences hovered the same tokens")
if load("p0")["lesson_state"]["after"]["lit"] == load("p1")["lesson_state"]["after"]["lit"]: fail("lit words did not change with the sentence")
print("ok: embedding lesson hover values equal E[id]*sqrt(D), PCA checks, two sentences")
EOF
