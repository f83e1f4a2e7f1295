#!/usr/bin/env bash
# test_lesson_overview.sh - lesson 0 (the whole model), headless, for two
# sentences: the lesson comes first; hovering blocks (found through the
# lesson's dump) gives tooltips whose shapes use this sentence's S and T (from
# `tlab-run --trace-json`) and the model's D, d_ff and V; clicking every block
# opens its lesson when the build has it, and otherwise shows a toast and stays;
# screenshots (1280x800 dark, 1920x1080 light) have the right size and are not
# blank; the two sentences give different tooltips.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(dirname "$0")/lib.sh" # BIN ASSETS APP RUN HERE T MODEL, headless SDL, HOME in T, fail, check_png, png_ok

PYTHONPATH=$HERE python3 - "$APP" "$RUN" "$T" <<'EOF'
import json, struct, subprocess, sys
import e2e_util
app, run, tmp = sys.argv[1:4]
X = "\u00d7"

lab, fail = e2e_util.Lab(app, run, tmp), e2e_util.fail
app_script, load, check_png = lab.script, lab.load, lambda path, w, h: e2e_util.check_png(path, w, h, fail)

def start(sentence):
    return ["key slash", "key ctrl+a", "type " + sentence, "key Return", "lesson overview"]

def centre(r):
    return (r[0] + r[2] // 2, r[1] + r[3] // 2)

sentences = ["the dog sees the cat", "today the young children have found a black ball in the garden"]
tips = []
for si, sent in enumerate(sentences):
    tr = json.loads(subprocess.run([run, "--trace-json", "-", sent], capture_output=True, text=True, check=True).stdout)
    c = tr["config"]
    S, Tn, D, F, V = len(tr["src_ids"]), len(tr["tgt_ids"]), c["d_model"], c["d_ff"], c["vocab_size"]
    app_script(start(sent) + ["dump %s/g%d.json" % (tmp, si), "screenshot %s/s%d.png" % (tmp, si)], "g%d" % si)
    g = load("g%d" % si)
    if g["lesson_index"] != 0 or g["lesson_number"] != 0 or g["lesson_slug"] != "overview":
        fail("the overview is not lesson 0 / first: %s %s" % (g["lesson_index"], g["lesson_number"]))
    blocks = {b["key"]: b for b in g["lesson_state"]["blocks"]}
    area_ok = all(b["rect"][2] > 0 and b["rect"][3] > 0 for b in blocks.values())
    if not area_ok or len(blocks) < 20: fail("blocks missing or empty: %s" % list(blocks))
    # tooltips carry this sentence's shapes
    want = {
        "enc_embed": "[%d%s%d]" % (S, X, D),
        "enc_attn": "[%d%s%d]" % (S, X, D),
        "enc_ffn": "[%d%s%d] \u2192 [%d%s%d]" % (S, X, D, S, X, F),
        "enc_stack": "memory, is [%d%s%d]" % (S, X, D),
        "dec_embed": "[%d%s%d]" % (Tn, X, D),
        "dec_cross": "weights [%d%s%d]" % (Tn, X, S),
        "linear": "[%d%s%d]\u00b7[%d%s%d] \u2192 [%d%s%d]" % (Tn, X, D, D, X, V, Tn, X, V),
        "softmax": "[%d%s%d]" % (Tn, X, V),
        "src": "S = %d" % S,
        "tgt": "T = %d" % Tn,
    }
    lines = start(sent)
    for k in want:
        x, y = centre(blocks[k]["rect"])
        lines += ["move %d %d" % (x, y), "dump %s/t%d_%s.json" % (tmp, si, k)]
    app_script(lines, "t%d" % si)
    got = []
    for k, frag in want.items():
        hv = load("t%d_%s" % (si, k))["hover"]
        if not hv or frag not in hv["label"]: fail("hover on %s: want %r in %r" % (k, frag, hv and hv["label"]))
        got.append(hv["label"])
    tips.append(got)
    # every block is a link: it opens its lesson, or says the lesson is missing
    have = {l["slug"] for l in g["lessons"]}
    lines = []
    keys = [k for k, b in blocks.items() if b["slug"]]
    for k in keys:
        x, y = centre(blocks[k]["rect"])
        lines += ["lesson overview", "click %d %d" % (x, y), "dump %s/c%d_%s.json" % (tmp, si, k)]
    app_script(start(sent) + lines, "c%d" % si)
    opened = 0
    for k in keys:
        d = load("c%d_%s" % (si, k))
        slug = blocks[k]["slug"]
        if slug in have:
            if d["lesson_slug"] != slug: fail("clicking %s opened %s, not %s" % (k, d["lesson_slug"], slug))
            opened += 1
        else:
            if d["lesson_slug"] != "overview" or "not in this version" not in d["toast"] or slug not in d["toast"]:
                fail("clicking %s (lesson %s missing) gave lesson %s, toast %r" % (k, slug, d["lesson_slug"], d["toast"]))
    if opened < 5: fail("only %d block clicks opened a lesson" % opened)
    check_png("%s/s%d.png" % (tmp, si), 1280, 800)

app_script(start(sentences[1]) + ["screenshot %s/big.png" % tmp], "big", "1920x1080", theme="light")
check_png("%s/big.png" % tmp, 1920, 1080)
if tips[0] == tips[1]: fail("tooltips did not change with the sentence")
print("ok: overview first, tooltips with this sentence's shapes, every block a link, two sentences")
EOF
