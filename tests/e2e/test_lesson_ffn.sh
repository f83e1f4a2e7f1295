#!/usr/bin/env bash
# test_lesson_ffn.sh - lesson 8 (Feed-forward) end to end, headless.
# An independent reference (Python stdlib: reads the safetensors file and runs
# the paper's post-LN encoder by hand; checked against the attention of
# `tlab-run --trace-json`) gives the FFN input x, the hidden units after ReLU,
# FFN(x), the zeros per token and how many tokens each unit fires for. For two
# sentences and both encoder layers (key ]), hovered cells of the three
# heatmaps, the zero-share bars and the per-unit bars must equal the
# reference; the layer shown follows the shared selection; the two sentences
# draw different pictures; PNGs have the right size and are not blank.
# Env: TLAB_BIN (build dir), TLAB_ASSETS (assets dir).
set -euo pipefail
BIN=${TLAB_BIN:?set TLAB_BIN to the build directory}
ASSETS=${TLAB_ASSETS:?set TLAB_ASSETS to the assets directory}
APP=$BIN/app/transformer-lab
RUN=$BIN/engine/tlab-run
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy}
export SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
export HOME=$T/home
fail() { echo "FAIL: $*" >&2; exit 1; }
check_png() { # FILE W H
  [ -s "$1" ] || fail "missing image $1"
  # pngcheck.py prints "[FILE] W H VARIANCE" (newer: --step N FILE..., older: FILE N)
  local out
  out=$(python3 "$HERE/pngcheck.py" --step 8 "$1" 2>/dev/null) || out=$(python3 "$HERE/pngcheck.py" "$1" 8)
  read -r w h var < <(echo "$out" | awk '{print $(NF-2), $(NF-1), $NF}')
  [ "$w" = "$2" ] && [ "$h" = "$3" ] || fail "$1 is ${w}x$h, want $2x$3"
  python3 -c "import sys; sys.exit(0 if float('$var') > 200 else 1)" || fail "$1 looks blank (variance $var)"
}
MODEL=$ASSETS/model.safetensors
[ -f "$MODEL" ] || MODEL=$ASSETS/model-untrained.safetensors

# The reference encoder, stdlib only. enc_ref(model, ids) -> list of layers, each a
# dict of [S][D] (or [S][F]) lists: input, attn, sum1, mean1, std1, n1, hidden, ffn, sum2, mean2, std2, n2, attnw.
cat > "$T/ref.py" <<'EOF'
import json, math, struct

def load(path):
    f = open(path, "rb"); n = struct.unpack("<Q", f.read(8))[0]; hdr = json.loads(f.read(n)); base = 8 + n
    data = open(path, "rb").read()
    W = {}
    for k, v in hdr.items():
        if k == "__metadata__": continue
        a, b = v["data_offsets"]
        flat = list(struct.unpack("<%df" % ((b - a) // 4), data[base + a:base + b]))
        if len(v["shape"]) == 2:
            r, c = v["shape"]; W[k] = [flat[i * c:(i + 1) * c] for i in range(r)]
        else:
            W[k] = flat
    return W

def lin(X, Wt, b):  # X [S][in], W [out][in] -> X W^T + b
    return [[sum(x * w for x, w in zip(row, wr)) + bb for wr, bb in zip(Wt, b)] for row in X]

def ln(Z, g, b, eps=1e-5):
    out, mu, sd = [], [], []
    for z in Z:
        m = sum(z) / len(z); v = sum((t - m) ** 2 for t in z) / len(z); s = math.sqrt(v + eps)
        mu.append(m); sd.append(s); out.append([(t - m) / s * gg + bb for t, gg, bb in zip(z, g, b)])
    return out, mu, sd

def enc_ref(W, ids, n_layers=2, H=4):
    E = W["embedding.weight"]; D = len(E[0]); K = D // H
    X = [[E[i][d] * math.sqrt(D) + (math.sin(p / 10000 ** (d / D)) if d % 2 == 0 else math.cos(p / 10000 ** ((d - 1) / D)))
          for d in range(D)] for p, i in enumerate(ids)]
    layers = []
    for l in range(n_layers):
        P = "encoder.layers.%d." % l
        qkv = lin(X, W[P + "self_attn.in_proj_weight"], W[P + "self_attn.in_proj_bias"])
        S = len(X); concat = [[0.0] * D for _ in range(S)]; attnw = []
        for h in range(H):
            q = [r[h * K:(h + 1) * K] for r in qkv]; k = [r[D + h * K:D + (h + 1) * K] for r in qkv]
            v = [r[2 * D + h * K:2 * D + (h + 1) * K] for r in qkv]
            wh = []
            for i in range(S):
                s = [sum(a * b for a, b in zip(q[i], k[j])) / math.sqrt(K) for j in range(S)]
                m = max(s); e = [math.exp(t - m) for t in s]; z = sum(e); w = [t / z for t in e]; wh.append(w)
                for c in range(K): concat[i][h * K + c] = sum(w[j] * v[j][c] for j in range(S))
            attnw.append(wh)
        attn = lin(concat, W[P + "self_attn.out_proj.weight"], W[P + "self_attn.out_proj.bias"])
        sum1 = [[a + b for a, b in zip(x, y)] for x, y in zip(X, attn)]
        n1, mean1, std1 = ln(sum1, W[P + "norm1.weight"], W[P + "norm1.bias"])
        hidden = [[max(0.0, t) for t in r] for r in lin(n1, W[P + "linear1.weight"], W[P + "linear1.bias"])]
        ffn = lin(hidden, W[P + "linear2.weight"], W[P + "linear2.bias"])
        sum2 = [[a + b for a, b in zip(x, y)] for x, y in zip(n1, ffn)]
        n2, mean2, std2 = ln(sum2, W[P + "norm2.weight"], W[P + "norm2.bias"])
        layers.append(dict(input=X, attn=attn, sum1=sum1, mean1=mean1, std1=std1, n1=n1, hidden=hidden, ffn=ffn,
                           sum2=sum2, mean2=mean2, std2=std2, n2=n2, attnw=attnw))
        X = n2
    return layers

def check_attention(layers, trace):
    # the reference agrees with the engine where the trace JSON has numbers
    for l, L in enumerate(layers):
        for h, wh in enumerate(L["attnw"]):
            for i, row in enumerate(wh):
                for j, v in enumerate(row):
                    t = trace["attention"]["encoder"][l]["self"][h][i][j]
                    assert abs(v - t) < 2e-4, ("reference attention differs from tlab-run", l, h, i, j, v, t)

def close(a, b, tol=2e-4):
    return abs(a - b) <= tol * max(1.0, abs(b))
EOF

run_sentence() { # TAG SENTENCE THEME SIZE NLAYER
  local tag=$1 sent=$2 theme=$3 size=$4 nl=$5
  "$RUN" --trace-json "$T/$tag-trace.json" "$sent" > /dev/null || fail "tlab-run failed on '$sent'"
  printf 'lesson feed-forward\nwait 1\ndump %s\nquit\n' "$T/$tag-geo.json" > "$T/$tag-g.txt"
  "$APP" --sentence "$sent" --script "$T/$tag-g.txt" --size "$size" --theme "$theme" || fail "$tag: geometry run failed"
  python3 - "$T/$tag-geo.json" "$T/$tag" "$nl" > "$T/$tag-s.txt" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))["lesson_state"]; pre = sys.argv[2]; nl = int(sys.argv[3])
print("lesson feed-forward")
for _ in range(nl): print("key rightbracket")
print("wait 1"); print("dump %s-state.json" % pre)
n = 0
for key, nx, ny in (("x", 5, 5), ("hidden", 11, 6), ("out", 5, 5), ("tok_bars", 3, 8), ("unit_bars", 13, 3)):
    x, y, w, h = g[key]
    for i in range(ny):
        for j in range(nx):
            print("move %d %d" % (x + w * (j + 0.5) / nx, y + h * (0.15 + 0.85 * (i + 0.5) / ny)))
            print("wait 1"); print("dump %s-h%d.json" % (pre, n)); n += 1
print("move 5 5"); print("wait 1"); print("screenshot %s.png" % pre)
print("quit")
EOF
  "$APP" --sentence "$sent" --script "$T/$tag-s.txt" --size "$size" --theme "$theme" || fail "$tag: hover run failed"
  python3 - "$T/ref.py" "$MODEL" "$T/$tag-trace.json" "$T/$tag" "$nl" <<'EOF' || fail "$tag: hovered values differ from the reference"
import glob, json, re, sys
exec(open(sys.argv[1]).read())
W = load(sys.argv[2]); tr = json.load(open(sys.argv[3])); pre = sys.argv[4]; nl = int(sys.argv[5])
layers = enc_ref(W, tr["src_ids"])
check_attention(layers, tr)
L = layers[nl]
S, F = len(L["hidden"]), len(L["hidden"][0])
fires = [sum(1 for i in range(S) if L["hidden"][i][u] > 0) for u in range(F)]
zshare = [sum(1 for u in range(F) if not L["hidden"][i][u] > 0) / F for i in range(S)]
st = json.load(open(pre + "-state.json"))
assert st["lesson_slug"] == "feed-forward" and st["lesson_state"]["layer"] == nl, st
assert st["selection"]["layer"] == nl, st["selection"]
n_ok = {}
def ok(k): n_ok[k] = n_ok.get(k, 0) + 1
for path in sorted(glob.glob(pre + "-h*.json")):
    hv = json.load(open(path))["hover"]
    if not hv or hv.get("value") is None: continue
    lab, v = hv["label"], hv["value"]
    m = re.match(r"^(x|hidden|FFN\(x\))\[(\d+)\]\[(\d+)\]", lab)
    if m:
        name, r, c = m.group(1), int(m.group(2)), int(m.group(3))
        want = {"x": L["n1"], "hidden": L["hidden"], "FFN(x)": L["ffn"]}[name][r][c]
        assert close(v, want), (lab, v, want)
        if name == "hidden":
            assert ("fires for %d of %d tokens" % (fires[c], S)) in lab, (lab, fires[c])
            assert (want > 0) == (", off" not in lab), lab
        else:
            assert ("encoder layer %d" % (nl + 1)) in lab, lab
        ok(name); continue
    m = re.match(r"^share of the (\d+) hidden units at 0 for token (\d+) ", lab)
    if m:
        assert int(m.group(1)) == F and abs(v - zshare[int(m.group(2))]) < 1e-6, (lab, v); ok("zeros"); continue
    m = re.match(r"^share of all", lab)
    if m:
        assert abs(v - sum(zshare) / S) < 1e-6, (lab, v); ok("zeros"); continue
    m = re.match(r"^unit (\d+) fires", lab)
    if m:
        assert v == fires[int(m.group(1))], (lab, v, fires[int(m.group(1))]); ok("units")
for k in ("x", "hidden", "FFN(x)", "zeros", "units"):
    assert n_ok.get(k, 0) >= 5, ("too few hovers checked", k, n_ok)
print("ok", pre, n_ok)
EOF
}

run_sentence a "the dog sees the cat" light 1280x800 0
check_png "$T/a.png" 1280 800
run_sentence b "the woman sees the old dog in the garden" dark 1920x1080 1
check_png "$T/b.png" 1920 1080
# the same lesson state with another sentence draws another picture (screenshot only)
printf 'lesson feed-forward\nwait 1\nmove 5 5\nwait 1\nscreenshot %s\nquit\n' "$T/c.png" > "$T/c.txt"
"$APP" --sentence "the woman sees the old dog in the garden" --script "$T/c.txt" --size 1280x800 --theme light || fail "c: screenshot run failed"
cmp -s "$T/a.png" "$T/c.png" && fail "the two sentences draw the same picture"
echo "PASS test_lesson_ffn"
