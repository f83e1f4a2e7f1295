# encoder_ref.py - an independent reference for the end-to-end tests: reads a
# safetensors file with the standard library and runs the paper's post-LN
# encoder by hand. Used by test_lesson_addnorm.sh and test_lesson_ffn.sh.
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
