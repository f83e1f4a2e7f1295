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
set -euo pipefail
BIN=${TLAB_BIN:?set TLAB_BIN to the build directory}
ASSETS=${TLAB_ASSETS:?set TLAB_ASSETS to the assets directory}
APP=$BIN/app/transformer-lab
RUN=$BIN/engine/tlab-run
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy}
export SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
export HOME=$T/home

python3 - "$APP" "$RUN" "$T" "$ASSETS/model.safetensors" <<'EOF'
import json, struct, subprocess, sys
app, run, tmp, model = sys.argv[1:5]

def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)

def app_script(lines, name, size="1280x800"):
    path = "%s/%s.txt" % (tmp, name)
    open(path, "w").write("\n".join(lines + ["quit"]) + "\n")
    r = subprocess.run([app, "--script", path, "--size", size, "--model", model], capture_output=True, text=True)
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

def tensor(path, name):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    head = json.loads(data[8:8 + n])
    t = head[name]
    a, b = t["data_offsets"]
    raw = data[8 + n + a:8 + n + b]
    return t["shape"], struct.unpack("<%df" % (len(raw) // 4), raw)

start = lambda s: ["key slash", "key ctrl+a", "type " + s, "key Return", "lesson multi-head"]
sentences = ["the dog sees the cat", "a young woman does not help the old man"]
dumps = []
for si, sent in enumerate(sentences):
    tr = json.loads(subprocess.run([run, "--model", model, "--trace-json", "-", sent], capture_output=True, text=True, check=True).stdout)
    W = tr["attention"]["encoder"]
    S = len(tr["src_ids"])
    app_script(start(sent) + ["dump %s/g%d.json" % (tmp, si), "key Right", "dump %s/gs%d.json" % (tmp, si)], "g%d" % si)
    g = load("g%d" % si)
    if g["lesson_slug"] != "multi-head": fail("not on multi-head: %s" % g["lesson_slug"])
    ls = g["lesson_state"]
    H = tr["config"]["n_heads"]
    if len(ls["tiles"]) != H: fail("%d tiles for %d heads" % (len(ls["tiles"]), H))
    big = ls["big"]
    if (big["rows"], big["cols"]) != (S, S): fail("enlarged map %dx%d, want %dx%d" % (big["rows"], big["cols"], S, S))
    wg = load("gs%d" % si)["lesson_state"]["wo"]
    x, y, w, h = ls["tiles"][2]
    lines = start(sent) + ["click %d %d" % (x + w // 2, y + h // 2), "wait 1", "dump %s/c%d.json" % (tmp, si)]
    cells = [(0, S - 1), (S - 1, 0), (S // 2, S // 2)]
    for k, (q, kk) in enumerate(cells):
        lines += ["move %d %d" % (big["x"] + kk * big["cw"] + big["cw"] // 2, big["y"] + q * big["ch"] + big["ch"] // 2), "wait 1",
                  "dump %s/h%d_%d.json" % (tmp, si, k)]
    lines += ["move 5 5", "screenshot %s/s1_%d.png" % (tmp, si), "key Right", "wait 1", "dump %s/st2_%d.json" % (tmp, si),
              "screenshot %s/s2_%d.png" % (tmp, si)]
    # hover W_O^T[j][d], to compare with out_proj_weight[d][j] from the file
    j, d = 17, 40
    lines += ["move %d %d" % (wg["x"] + d * wg["cw"] + wg["cw"] // 2, wg["y"] + j * wg["ch"] + wg["ch"] // 2), "wait 1",
              "dump %s/wo%d.json" % (tmp, si)]
    app_script(lines, "h%d" % si)
    c = load("c%d" % si)
    if c["selection"]["head"] != 2 or c["lesson_state"]["head"] != 2: fail("click on head 3 selected %s" % c["selection"])
    for k, (q, kk) in enumerate(cells):
        hv = load("h%d_%d" % (si, k))["hover"]
        if not hv or not hv["label"].startswith("[%d][%d]" % (q, kk)): fail("hover at %d,%d: %s" % (q, kk, hv))
        want = W[0]["self"][2][q][kk]
        if abs(hv["value"] - want) > 1e-6: fail("hover head 3 [%d][%d] = %r, trace %r" % (q, kk, hv["value"], want))
    s2 = load("st2_%d" % si)
    if s2["step"] != 1: fail("Right did not reach step 2")
    st = s2["lesson_state"]
    if not (st["split_max_error"] < 1e-4): fail("heads' parts + b_O differ from the trace's out by %g" % st["split_max_error"])
    shape, wo = tensor(model, "encoder.layers.0.self_attn.out_proj.weight")
    D = shape[0]
    hv = load("wo%d" % si)["hover"]
    if not hv or not hv["label"].startswith("W_O"): fail("W_O hover: %s" % hv)
    if abs(hv["value"] - wo[d * D + j]) > 1e-7: fail("W_O^T[%d][%d] = %r, file %r" % (j, d, hv["value"], wo[d * D + j]))
    for p in ("s1_%d" % si, "s2_%d" % si): check_png("%s/%s.png" % (tmp, p), 1280, 800)
    dumps.append(json.dumps(st, sort_keys=True))
    print("sentence %d: %d tokens, click selects, hovers match trace and weights file, split sums to out" % (si, S))
if dumps[0] == dumps[1]: fail("two sentences gave the same step-2 dump")
print("ok")
EOF
