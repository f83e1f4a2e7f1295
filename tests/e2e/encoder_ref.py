# encoder_ref.py - an independent reference for the end-to-end tests: reads a
# safetensors file with the standard library and runs the paper's post-LN
# encoder (enc_ref) and decoder (dec_ref, teacher-forced on the trace's decoder
# input, causal mask) by hand. Used by test_lesson_addnorm.sh and test_lesson_ffn.sh.
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

def add_norm(X, Y, W, N):  # post-LN: sum = X + Y, then LayerNorm with N + "weight"/"bias"
    sm = [[a + b for a, b in zip(x, y)] for x, y in zip(X, Y)]
    out, mu, sd = ln(sm, W[N + "weight"], W[N + "bias"])
    return sm, out, mu, sd

def feed_forward(X, W, P):  # ReLU(X W1^T + b1) W2^T + b2: (hidden, out)
    hidden = [[max(0.0, t) for t in r] for r in lin(X, W[P + "linear1.weight"], W[P + "linear1.bias"])]
    return hidden, lin(hidden, W[P + "linear2.weight"], W[P + "linear2.bias"])

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
        sum1, n1, mean1, std1 = add_norm(X, attn, W, P + "norm1.")
        hidden, ffn = feed_forward(n1, W, P)
        sum2, n2, mean2, std2 = add_norm(n1, ffn, W, P + "norm2.")
        layers.append(dict(input=X, attn=attn, sum1=sum1, mean1=mean1, std1=std1, n1=n1, hidden=hidden, ffn=ffn,
                           sum2=sum2, mean2=mean2, std2=std2, n2=n2, attnw=attnw, concat=concat))
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

def mha(Xq, Xkv, W, P, causal, H=4):
    # multi-head attention, nn.MultiheadAttention layout; returns (out [Tq][D], weights [H][Tq][Tk])
    D = len(Xq[0]); K = D // H
    Wi, bi = W[P + "in_proj_weight"], W[P + "in_proj_bias"]
    q_all = lin(Xq, Wi[:D], bi[:D]); k_all = lin(Xkv, Wi[D:2 * D], bi[D:2 * D]); v_all = lin(Xkv, Wi[2 * D:], bi[2 * D:])
    Tq, Tk = len(Xq), len(Xkv); concat = [[0.0] * D for _ in range(Tq)]; attnw = []
    for h in range(H):
        wh = []
        for i in range(Tq):
            q = q_all[i][h * K:(h + 1) * K]
            n = i + 1 if causal else Tk
            s = [sum(a * b for a, b in zip(q, k_all[j][h * K:(h + 1) * K])) / math.sqrt(K) for j in range(n)]
            m = max(s); e = [math.exp(t - m) for t in s]; z = sum(e); w = [t / z for t in e] + [0.0] * (Tk - n); wh.append(w)
            for c in range(K): concat[i][h * K + c] = sum(w[j] * v_all[j][h * K + c] for j in range(n))
        attnw.append(wh)
    return lin(concat, W[P + "out_proj.weight"], W[P + "out_proj.bias"]), attnw

def dec_ref(W, memory, ids, n_layers=2, H=4):
    # per decoder layer: input, self, sum1, mean1, std1, n1, cross, sum2, mean2, std2, n2, hidden, ffn, sum3, mean3,
    # std3, n3 ([T][D] or [T][F] lists, mean/std [T]), selfw and crossw [H][T][T or S]
    E = W["embedding.weight"]; D = len(E[0])
    X = [[E[i][d] * math.sqrt(D) + (math.sin(p / 10000 ** (d / D)) if d % 2 == 0 else math.cos(p / 10000 ** ((d - 1) / D)))
          for d in range(D)] for p, i in enumerate(ids)]
    layers = []
    for l in range(n_layers):
        P = "decoder.layers.%d." % l
        sa, selfw = mha(X, X, W, P + "self_attn.", True, H)
        sum1, n1, mean1, std1 = add_norm(X, sa, W, P + "norm1.")
        ca, crossw = mha(n1, memory, W, P + "multihead_attn.", False, H)
        sum2, n2, mean2, std2 = add_norm(n1, ca, W, P + "norm2.")
        hidden, ffn = feed_forward(n2, W, P)
        sum3, n3, mean3, std3 = add_norm(n2, ffn, W, P + "norm3.")
        layers.append({"input": X, "self": sa, "sum1": sum1, "mean1": mean1, "std1": std1, "n1": n1, "cross": ca, "sum2": sum2,
                       "mean2": mean2, "std2": std2, "n2": n2, "hidden": hidden, "ffn": ffn, "sum3": sum3, "mean3": mean3,
                       "std3": std3, "n3": n3, "selfw": selfw, "crossw": crossw})
        X = n3
    return layers

def full_ref(W, trace):
    # encoder then decoder on the trace's ids, each checked against the trace's attention maps (and the decoder's
    # last output against its logits: the tied embedding, no final norm in this model); returns (enc, dec) layers
    assert not any(k.startswith("decoder.norm") or k.startswith("encoder.norm") for k in W), "final norms not handled here"
    enc = enc_ref(W, trace["src_ids"])
    check_attention(enc, trace)
    dec = dec_ref(W, enc[-1]["n2"], trace["tgt_ids"])
    for l, L in enumerate(dec):
        for kind, mats in (("self", L["selfw"]), ("cross", L["crossw"])):
            for h, wh in enumerate(mats):
                for i, row in enumerate(wh):
                    for j, v in enumerate(row):
                        t = trace["attention"]["decoder"][l][kind][h][i][j]
                        assert abs(v - t) < 2e-4, ("reference decoder attention differs from tlab-run", kind, l, h, i, j, v, t)
    E = W["embedding.weight"]
    for r, y in enumerate(dec[-1]["n3"]):
        for v in (0, 2, trace["out_ids"][r], len(E) - 1):
            want = sum(a * b for a, b in zip(y, E[v])); got = trace["logits"][r][v]
            assert close(want, got, 1e-3), ("reference logits differ from tlab-run", r, v, want, got)
    return enc, dec

def close(a, b, tol=2e-4):
    return abs(a - b) <= tol * max(1.0, abs(b))

def hovers(pattern):
    """(label, value) of every hover state dump matching the glob pattern that hovered a value."""
    import glob
    for path in sorted(glob.glob(pattern)):
        hv = json.load(open(path))["hover"]
        if hv and hv.get("value") is not None:
            yield hv["label"], hv["value"]
