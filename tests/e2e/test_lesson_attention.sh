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
set -euo pipefail
BIN=${TLAB_BIN:?set TLAB_BIN to the build directory}
: "${TLAB_ASSETS:?set TLAB_ASSETS to the assets directory}"
APP=$BIN/app/transformer-lab
RUN=$BIN/engine/tlab-run
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy}
export SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
export HOME=$T/home

python3 - "$APP" "$RUN" "$T" <<'EOF'
import json, subprocess, sys
app, run, tmp = sys.argv[1:4]

def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)

def app_script(lines, name, size="1280x800"):
    path = "%s/%s.txt" % (tmp, name)
    open(path, "w").write("\n".join(lines + ["quit"]) + "\n")
    r = subprocess.run([app, "--script", path, "--size", size], capture_output=True, text=True)
    if r.returncode != 0:
        fail("script %s: exit %d: %s" % (name, r.returncode, r.stderr))

def load(name):
    return json.load(open("%s/%s.json" % (tmp, name)))

def check_png(path, w, h):
    # size from the IHDR chunk; "not blank": the decompressed (filtered) pixel rows use many byte values
    import struct, zlib
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n": fail("%s is not a PNG" % path)
    pw, ph = struct.unpack(">II", data[16:24])
    if (pw, ph) != (w, h): fail("%s is %dx%d, want %dx%d" % (path, pw, ph, w, h))
    pos, idat = 8, []
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT": idat.append(data[pos + 8:pos + 8 + n])
        pos += 12 + n
    if len(set(zlib.decompress(b"".join(idat)))) < 16: fail("%s looks blank" % path)

def start(sentence):
    return ["key slash", "key ctrl+a", "type " + sentence, "key Return", "lesson attention"]

sentences = ["the dog sees the cat", "today the young children have found a black ball in the garden"]
dumps = []
for si, sent in enumerate(sentences):
    tr = json.loads(subprocess.run([run, "--trace-json", "-", sent], capture_output=True, text=True, check=True).stdout)
    W = tr["attention"]["encoder"]
    S = len(tr["src_ids"])
    # step 3 (softmax): geometry first, with layer 2 and head 3 selected
    pre = start(sent) + ["key rightbracket", "key period", "key period"]
    app_script(pre + ["dump %s/g1_%d.json" % (tmp, si), "key Right", "key Right", "dump %s/g%d.json" % (tmp, si)], "g%d" % si)
    pre += ["key Right", "key Right"]
    g = load("g%d" % si)
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
    gr = ls["grid"]
    cells = [(0, 0), (S - 1, S - 1), (1, S - 2), (S // 2, 0)]
    lines = list(pre)
    for k, (q, c) in enumerate(cells):
        x, y = gr["x"] + c * gr["cw"] + gr["cw"] // 2, gr["y"] + q * gr["ch"] + gr["ch"] // 2
        lines += ["move %d %d" % (x, y), "wait 1", "dump %s/h%d_%d.json" % (tmp, si, k)]
    lines += ["move 5 5", "screenshot %s/soft%d.png" % (tmp, si)]
    # the what-if: scaling off, f = 4
    lines += ["key s", "key equals", "key equals", "key equals", "wait 1", "dump %s/w%d.json" % (tmp, si),
              "screenshot %s/whatif%d.png" % (tmp, si)]
    # step 1: hover the raw scores A[1][0] and A[1][1]
    g1 = load("g1_%d" % si)
    if g1["step"] != 0: fail("the lesson did not open on step 1")
    gr1 = g1["lesson_state"]["grid"]
    lines += ["key Left", "key Left", "dump %s/back%d.json" % (tmp, si)]
    for k in range(2):
        lines += ["move %d %d" % (gr1["x"] + k * gr1["cw"] + gr1["cw"] // 2, gr1["y"] + gr1["ch"] + gr1["ch"] // 2), "wait 1",
                  "dump %s/a%d_%d.json" % (tmp, si, k)]
    app_script(lines, "h%d" % si)
    for k, (q, c) in enumerate(cells):
        h = load("h%d_%d" % (si, k))["hover"]
        if not h or "value" not in h: fail("nothing hovered at cell %d,%d" % (q, c))
        want = "B[%d][%d]" % (q, c)
        if not h["label"].startswith(want): fail("hovered '%s', want %s" % (h["label"], want))
        if abs(h["value"] - W[layer]["self"][head][q][c]) > 1e-6:
            fail("hover B[%d][%d] = %r, trace %r" % (q, c, h["value"], W[layer]["self"][head][q][c]))
    w = load("w%d" % si)["lesson_state"]
    if w["what_if"] != 1 or w["factor"] != 4: fail("what-if state wrong: %s" % w)
    for i, v in enumerate(w["row_sums"]):
        if abs(v - 1) > 1e-5: fail("what-if row %d sums to %g" % (i, v))
    if not all(a >= b - 1e-6 for a, b in zip(w["row_max"], ls["row_max"])): fail("unscaled f=4 rows are not sharper")
    if sum(w["row_entropy"]) >= sum(ls["row_entropy"]) - 0.1: fail("entropy did not drop without scaling")
    check_png("%s/soft%d.png" % (tmp, si), 1280, 800)
    check_png("%s/whatif%d.png" % (tmp, si), 1280, 800)
    if open("%s/soft%d.png" % (tmp, si), "rb").read() == open("%s/whatif%d.png" % (tmp, si), "rb").read():
        fail("switching the scaling off did not change the picture")
    if load("back%d" % si)["step"] != 0: fail("Left did not go back to step 1")
    h = load("a%d_0" % si)["hover"]
    h2 = load("a%d_1" % si)["hover"]
    if not h or not h["label"].startswith("A[1][0]"): fail("step 1 hover: %s" % h)
    if not h2 or not h2["label"].startswith("A[1][1]"): fail("step 1 hover: %s" % h2)
    # softmax(A/sqrt(d_k)) of row 1 must give the trace's weights: the ratio of two of them is exp of the score difference
    import math
    dk = tr["config"]["d_model"] // tr["config"]["n_heads"]
    ratio = math.exp((h["value"] - h2["value"]) / math.sqrt(dk))
    want = W[layer]["self"][head][1][0] / W[layer]["self"][head][1][1]
    if abs(ratio - want) > 1e-4 * max(1, want): fail("exp((A10-A11)/sqrt(dk)) = %g, trace B10/B11 = %g" % (ratio, want))
    dumps.append(json.dumps(ls, sort_keys=True))
    print("sentence %d: %d tokens, hovers match the trace, rows sum to 1, what-if sharper" % (si, S))

if dumps[0] == dumps[1]: fail("two sentences gave the same lesson dump")
print("ok")
EOF
