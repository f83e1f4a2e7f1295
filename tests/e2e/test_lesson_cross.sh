#!/usr/bin/env bash
# test_lesson_cross.sh - lesson 12 (encoder-decoder attention) end to end,
# headless: for two sentences, select a layer, head and decoding row with the
# shared keys, hover cells of the alignment heatmap and check the dumped value
# equals attention.decoder[l].cross[h][q][k] of `tlab-run --trace-json` for
# the same sentence; the row labels follow the off-by-one (row t reads
# tgt[t], produces out[t]); clicking a row selects that decoding step; in the
# word view (columns for short sentences, wrapped chips for long ones) a click
# on a German word selects its row and hovering an English word reports its
# weight; the all-heads step and both themes/sizes export non-blank PNGs.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"

PYTHONPATH=$HERE python3 - "$APP" "$RUN" "$T" <<'EOF'
import sys
from e2e_util import Lab, cell, fail
lab = Lab(*sys.argv[1:4])
LESSON = "lesson cross-attention"

def typed(sent):
    return ["key slash", "key ctrl+a", "type " + sent, "key Return"]

def check_words(tag, sent, size, want):
    """The word view: click the last German word, hover the first English word
    (columns for a short sentence, wrapped chips for a long one)."""
    tr = lab.trace(sent)
    T = len(tr["tgt_ids"])
    # geometry from a run given the sentence with --sentence (typing 30 words takes seconds under ASan);
    # the checked run below types it, so a typed sentence must lay out the same
    lab.script([LESSON, "key period", "wait 1", lab.dump(tag + "-geo")], tag + "-s1", size, sentence=sent)
    g = lab.load(tag + "-geo")
    if g["sentence"] != sent: fail("%s: --sentence gave %r" % (tag, g["sentence"]))
    st = g["lesson_state"]
    x, y, w, h = st["tgt_word_last"]
    sx, sy, sw, sh = st["src_word0"]
    if not (w > 0 and h > 0 and sw > 0 and sh > 0): fail("%s: word view geometry %s" % (tag, st))
    lab.script([LESSON] + typed(g["sentence"]) + ["key period", "click %d %d" % (x + w // 2, y + h // 2)] +
               lab.hover(sx + sw // 2, sy + sh // 2, tag + "-words"), tag + "-s2", size)
    d = lab.load(tag + "-words")
    if d["sentence"] != sent: fail("%s: typed sentence is %r" % (tag, d["sentence"]))
    if d["lesson_state"]["words_as_chips"] != want: fail("%s: words_as_chips %s, want %d" % (tag, d["lesson_state"], want))
    if d["selection"]["step"] != T - 1 or d["selection"]["head"] != 1: fail("%s: clicking the last word selected %s" % (tag, d["selection"]))
    hv = d["hover"]
    want_v = tr["attention"]["decoder"][0]["cross"][1][T - 1][0]
    if hv is None or abs(hv["value"] - want_v) >= 1e-6: fail("%s: word hover %s, trace %r" % (tag, hv, want_v))
    if not hv["label"].startswith("cross L1 H2 [%d][0]" % (T - 1)): fail("%s: word hover label %s" % (tag, hv))
    print("ok", tag, "word view", "chips" if want else "columns")

def run_sentence(tag, sent, theme, size):
    """Layer 2 (index 1), head 3 (index 2), decoding row 2: hover cells of the
    heatmap, click the last row, export both steps."""
    tr = lab.trace(sent)
    sel = ["key rightbracket", "key period", "key period", "key quote", "key quote"]
    lab.script([LESSON] + typed(sent) + ["key Home", LESSON] + sel + ["wait 1", lab.dump(tag + "-geo")], tag + "-s1", size, theme)
    g = lab.load(tag + "-geo")
    if g["lesson_slug"] != "cross-attention": fail("%s: not on the lesson" % tag)
    if g["sentence"] != sent: fail("%s: sentence not typed" % tag)
    st = g["lesson_state"]
    x, y, w, h = st["cells"]
    grid = {"x": x, "y": y, "cw": st["cell_w"], "ch": st["cell_h"]}
    if not (grid["cw"] > 0 and grid["ch"] > 0): fail("%s: empty cells %s" % (tag, st))
    S, T = len(tr["src_ids"]), len(tr["tgt_ids"])
    if st["rows"] != T or st["cols"] != S: fail("%s: grid %dx%d, want %dx%d" % (tag, st["rows"], st["cols"], T, S))
    # hover cells (row 2 and the last row) x (first, middle, last source token)
    probes = [(q, k) for q in (2, T - 1) for k in (0, S // 2, S - 1)]
    lines = [LESSON] + typed(g["sentence"]) + sel
    for n, (q, k) in enumerate(probes):
        lines += lab.hover(*cell(grid, q, k), "%s-hover-%d" % (tag, n))
    # click the last row: it becomes the selected decoding step
    lines += ["click %d %d" % cell(grid, T - 1, 0), "wait 1", lab.dump(tag + "-click"),
              "move 5 5", "wait 1", lab.shot(tag + "-step1"), "key Right", "wait 1", lab.shot(tag + "-step2"), lab.dump(tag + "-step2")]
    lab.script(lines, tag + "-s2", size, theme)
    W = tr["attention"]["decoder"][1]["cross"][2]   # layer 2, head 3
    for n, (q, k) in enumerate(probes):
        d = lab.load("%s-hover-%d" % (tag, n))
        hv = d["hover"]
        if hv is None: fail("%s: no hover at row %d col %d" % (tag, q, k))
        if abs(hv["value"] - W[q][k]) >= 1e-6: fail("%s: hover [%d][%d] = %r, trace %r" % (tag, q, k, hv["value"], W[q][k]))
        # the row label names what the row reads and what it produces (the off-by-one)
        reads, prod = tr["tgt_words"][q], (tr["tgt_words"][q + 1] if q + 1 < T else "<eos>")
        if ("[%d][%d]" % (q, k)) not in hv["label"] or ("%s \u2192 %s" % (reads, prod)) not in hv["label"]:
            fail("%s: hover label %r, want [%d][%d] and %s \u2192 %s" % (tag, hv["label"], q, k, reads, prod))
        if not hv["label"].startswith("cross L2 H3"): fail("%s: hover label %r" % (tag, hv["label"]))
        if (d["selection"]["layer"], d["selection"]["head"], d["selection"]["step"]) != (1, 2, 2):
            fail("%s: selection %s, want layer 1 head 2 step 2" % (tag, d["selection"]))
    d = lab.load(tag + "-click")
    if d["selection"]["step"] != T - 1: fail("%s: clicking the last row selected %s" % (tag, d["selection"]))
    st = d["lesson_state"]
    if not (st["row"] == T - 1 and st["produces"] == "<eos>" or not tr["finished"]): fail("%s: last row %s" % (tag, st))
    d = lab.load(tag + "-step2")
    if d["step"] != 1 or d["n_steps"] != 2: fail("%s: Right gave step %s of %s" % (tag, d["step"], d["n_steps"]))
    print("ok", tag, "rows", T, "cols", S)
    return tr, g

check_words("c", "we know that the horses have come from the park", "1280x800", 0)
check_words("d", "today the old man says that the young children do not see the big brown dog in the garden because "
            "the small brown cat has not played with the ball", "1280x800", 1)
tra, ga = run_sentence("a", "the dog has seen the cat", "light", "1280x800")
trb, gb = run_sentence("b", "i know that the big dog sees the small cat", "dark", "1920x1080")
lab.pngs([("a-step1", 1280, 800), ("a-step2", 1280, 800), ("b-step1", 1920, 1080), ("b-step2", 1920, 1080)])

# the drawn state differs between the two sentences
if ga["lesson_state"]["cols"] == gb["lesson_state"]["cols"]: fail("same shape for two sentences")
if ga["lesson_state"]["produces"] != tra["tgt_words"][3]: fail("row 2 of a does not produce tgt[3]")
if gb["lesson_state"]["reads"] != trb["tgt_words"][2]: fail("row 2 of b does not read tgt[2]")
if open(lab.path("a-step1.png"), "rb").read() == open(lab.path("b-step1.png"), "rb").read():
    fail("the two sentences draw the same picture")
EOF
echo "PASS test_lesson_cross"
