#!/usr/bin/env bash
# test_lesson_encoder_stack.sh - lesson 9 (the encoder stack), headless, for two
# sentences: every layer x head has a map; hovering a cell of the map of layer
# l, head h reports attention.encoder[l].self[h][q][k] of `tlab-run
# --trace-json`; clicking a map selects that layer and head (shared selection);
# Enter opens lesson 5 with the same layer and head; the memory differs
# between the sentences; screenshots have the right size and are not blank.
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

python3 - "$APP" "$RUN" "$T" <<'PY'
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

start = lambda s: ["key slash", "key ctrl+a", "type " + s, "key Return", "lesson encoder-stack"]
sentences = ["the dog sees the cat", "i know that the big dog sees the small cat"]
mems = []
for si, sent in enumerate(sentences):
    tr = json.loads(subprocess.run([run, "--trace-json", "-", sent], capture_output=True, text=True, check=True).stdout)
    W = tr["attention"]["encoder"]
    S = len(tr["src_ids"])
    NL, H = tr["config"]["n_enc_layers"], tr["config"]["n_heads"]
    app_script(start(sent) + ["dump %s/g%d.json" % (tmp, si)], "g%d" % si)
    g = load("g%d" % si)
    if g["lesson_slug"] != "encoder-stack": fail("not on encoder-stack: %s" % g["lesson_slug"])
    ls = g["lesson_state"]
    if len(ls["tiles"]) != NL * H: fail("%d maps for %d layers x %d heads" % (len(ls["tiles"]), NL, H))
    lines = start(sent)
    probes = []
    for t in ls["tiles"]:
        q, k = (t["layer"] + t["head"]) % S, (S - 1 - t["head"]) % S
        lines += ["move %d %d" % (t["x"] + k * t["cw"] + t["cw"] // 2, t["y"] + q * t["ch"] + t["ch"] // 2), "wait 1",
                  "dump %s/h%d_%d_%d.json" % (tmp, si, t["layer"], t["head"])]
        probes.append((t["layer"], t["head"], q, k))
    last = ls["tiles"][-1]
    lines += ["click %d %d" % (last["x"] + 2, last["y"] + 2), "wait 1", "dump %s/c%d.json" % (tmp, si),
              "move 5 5", "screenshot %s/s%d.png" % (tmp, si), "key Return", "wait 1", "dump %s/a%d.json" % (tmp, si)]
    app_script(lines, "h%d" % si)
    for l, h, q, k in probes:
        hv = load("h%d_%d_%d" % (si, l, h))["hover"]
        want = "layer %d head %d[%d][%d]" % (l + 1, h + 1, q, k)
        if not hv or not hv["label"].startswith(want): fail("hover: %s, want %s" % (hv, want))
        if abs(hv["value"] - W[l]["self"][h][q][k]) > 1e-6: fail("%s = %r, trace %r" % (want, hv["value"], W[l]["self"][h][q][k]))
    c = load("c%d" % si)
    if (c["selection"]["layer"], c["selection"]["head"]) != (NL - 1, H - 1): fail("click did not select the last map: %s" % c["selection"])
    a = load("a%d" % si)
    if a["lesson_slug"] != "attention": fail("Enter opened %s" % a["lesson_slug"])
    if (a["lesson_state"]["layer"], a["lesson_state"]["head"]) != (NL - 1, H - 1): fail("lesson 5 shows another head: %s" % a["lesson_state"])
    check_png("%s/s%d.png" % (tmp, si), 1280, 800)
    mems.append(ls["memory_abs_sum"])
    print("sentence %d: %d maps hovered = trace, click selects, Enter opens lesson 5" % (si, NL * H))
if mems[0] == mems[1]: fail("the memory did not change with the sentence")
print("ok")
PY
