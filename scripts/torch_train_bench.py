#!/usr/bin/python3
"""torch_train_bench.py - the training step of our model in PyTorch (Debian's
python3-torch, CPU, 2 threads), side by side with tests/bench/bench_train.c.

Same model as engine/train.c: post-LN encoder-decoder, d_model 64, 4 heads,
2+2 layers, d_ff 256, V 263, tied embedding (x = E[id] * sqrt(D) + PE,
logits = h E^T), dropout 0.1 on embedding+PE sums and on every sub-layer
output before its residual add (no attention or activation dropout), label
smoothing 0.1 over the non-pad vocabulary, Adam (0.9, 0.98, 1e-9). Same
batch: B sentences of S source and T target tokens, random ids, no padding.
One step = zero_grad + forward + loss + backward + Adam step.

Usage:
  /usr/bin/python3 scripts/torch_train_bench.py [--c-bench build/tests/bench_train]
        [--rounds 3] [--steps 20] [--batch 64] [--src-len 16] [--tgt-len 16]
Runs, in each round, our C benchmark (and --c-bench-before FILE, a second one,
when given), then torch with OpenBLAS, then torch with
the reference BLAS (chosen with LD_PRELOAD, since torch links libblas.so.3),
and prints the medians and the ratios. --worker runs one torch measurement.
It must not train anything real or write files.
"""
import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import time

OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3"
REFBLAS = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"


def worker(args):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    D, H, NL, FF, V, L = 64, 4, 2, 256, 263, 32
    P = 0.1

    class Attn(nn.Module):
        def __init__(self):
            super().__init__()
            self.mha = nn.MultiheadAttention(D, H, dropout=0.0, batch_first=True)

        def forward(self, q, kv, key_pad, causal):
            return self.mha(q, kv, kv, key_padding_mask=key_pad, attn_mask=causal, need_weights=False)[0]

    class EncLayer(nn.Module):
        def __init__(self):
            super().__init__()
            self.sa = Attn()
            self.l1, self.l2 = nn.Linear(D, FF), nn.Linear(FF, D)
            self.n1, self.n2 = nn.LayerNorm(D), nn.LayerNorm(D)

        def forward(self, x, pad):
            x = self.n1(x + F.dropout(self.sa(x, x, pad, None), P, self.training))
            return self.n2(x + F.dropout(self.l2(F.relu(self.l1(x))), P, self.training))

    class DecLayer(nn.Module):
        def __init__(self):
            super().__init__()
            self.sa, self.ca = Attn(), Attn()
            self.l1, self.l2 = nn.Linear(D, FF), nn.Linear(FF, D)
            self.n1, self.n2, self.n3 = nn.LayerNorm(D), nn.LayerNorm(D), nn.LayerNorm(D)

        def forward(self, y, mem, tpad, spad, causal):
            y = self.n1(y + F.dropout(self.sa(y, y, tpad, causal), P, self.training))
            y = self.n2(y + F.dropout(self.ca(y, mem, spad, None), P, self.training))
            return self.n3(y + F.dropout(self.l2(F.relu(self.l1(y))), P, self.training))

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Parameter(torch.randn(V, D) * D ** -0.5)
            self.enc = nn.ModuleList([EncLayer() for _ in range(NL)])
            self.dec = nn.ModuleList([DecLayer() for _ in range(NL)])
            pe = torch.zeros(L, D)
            pos = torch.arange(L, dtype=torch.float64)[:, None]
            freq = torch.pow(10000.0, -torch.arange(0, D, 2, dtype=torch.float64) / D)
            pe[:, 0::2] = torch.sin(pos * freq).float()
            pe[:, 1::2] = torch.cos(pos * freq).float()
            self.register_buffer("pe", pe)

        def embed(self, ids):
            x = self.emb[ids] * math.sqrt(D) + self.pe[: ids.shape[1]]
            return F.dropout(x, P, self.training)

        def forward(self, src, dec_in):
            spad, tpad = src == 0, dec_in == 0
            T = dec_in.shape[1]
            causal = torch.triu(torch.full((T, T), float("-inf")), diagonal=1)
            x = self.embed(src)
            for l in self.enc:
                x = l(x, spad)
            y = self.embed(dec_in)
            for l in self.dec:
                y = l(y, x, tpad, spad, causal)
            return y @ self.emb.t()

    def smoothed_loss(logits, gold, eps=0.1):
        # q = (1 - eps) onehot(y) + eps / (V - 1) on every non-pad word; pad targets ignored
        logp = F.log_softmax(logits.reshape(-1, V), dim=-1)
        gold = gold.reshape(-1)
        keep = gold != 0
        nll = -logp.gather(1, gold[:, None]).squeeze(1)
        smooth = -logp[:, 1:].sum(dim=1) / (V - 1)
        loss = (1 - eps) * nll + eps * smooth
        return (loss * keep).sum() / keep.sum()

    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.9, 0.98), eps=1e-9)
    g = torch.Generator().manual_seed(12345)
    B, S, T = args.batch, args.src_len, args.tgt_len
    src = torch.randint(4, V, (B, S), generator=g)
    src[:, S - 1] = 2
    tgt = torch.randint(4, V, (B, T), generator=g)
    dec_in = torch.cat([torch.ones(B, 1, dtype=torch.long), tgt[:, : T - 1]], dim=1)
    dec_out = tgt.clone()
    dec_out[:, T - 1] = 2
    model.train()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = smoothed_loss(model(src, dec_in), dec_out)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(3):
        step()
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        for _ in range(args.steps):
            loss = step()
        times.append((time.perf_counter() - t0) * 1000.0 / args.steps)
    med = statistics.median(times)
    print("BENCH_TRAIN impl=torch batch=%d src_len=%d tgt_len=%d threads=%d ms_per_step=%.3f "
          "tgt_tokens_per_s=%.0f loss=%.3f" % (B, S, T, args.threads, med, B * T / (med / 1000.0), loss))


def parse_ms(out):
    m = re.search(r"ms_per_step=([0-9.]+)", out)
    if not m:
        raise RuntimeError("no result in:\n" + out)
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--c-bench", default=os.path.join(os.path.dirname(__file__), "..", "build", "tests", "bench_train"))
    ap.add_argument("--c-bench-before", default=None,
                    help="a second bench_train (say, built from the commit before a change), measured in each round too")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--src-len", type=int, default=16)
    ap.add_argument("--tgt-len", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return
    def common(threads):
        return ["--batch", str(args.batch), "--src-len", str(args.src_len), "--tgt-len", str(args.tgt_len),
                "--steps", str(args.steps), "--reps", str(args.reps), "--threads", str(threads)]
    # torch is measured with 2 threads (as asked) and with 1 (it is often faster
    # on a busy machine); "PyTorch's best" is the best of all its variants.
    # OMP_WAIT_POLICY=PASSIVE keeps idle OpenMP threads from spinning, which on a
    # shared 2-core machine otherwise costs torch 10x or more.
    variants = [("c", None, args.threads)]
    if args.c_bench_before:
        variants.append(("c-before", None, args.threads))
    for blas_name, blas in (("openblas", OPENBLAS), ("refblas", REFBLAS)):
        variants.append(("torch+%s/%dt" % (blas_name, args.threads), blas, args.threads))
        if args.threads != 1:
            variants.append(("torch+%s/1t" % blas_name, blas, 1))
    results = {name: [] for name, _, _ in variants}
    for r in range(args.rounds):
        for name, blas, threads in variants:
            env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
                       OMP_WAIT_POLICY="PASSIVE")
            if name in ("c", "c-before"):
                cmd = [args.c_bench if name == "c" else args.c_bench_before] + common(threads)
            else:
                if not os.path.exists(blas):
                    continue
                env["LD_PRELOAD"] = blas
                cmd = [sys.executable, os.path.abspath(__file__), "--worker"] + common(threads)
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
            ms = parse_ms(out)
            results[name].append(ms)
            print("round %d %-20s %8.2f ms/step %8.0f target tokens/s" %
                  (r + 1, name, ms, args.batch * args.tgt_len / (ms / 1000.0)), flush=True)
    print("\nmedians (batch %d, source %d, target %d tokens, %d threads):" %
          (args.batch, args.src_len, args.tgt_len, args.threads))
    med = {k: statistics.median(v) for k, v in results.items() if v}
    for k, v in med.items():
        print("  %-20s %8.2f ms/step %8.0f target tokens/s" % (k, v, args.batch * args.tgt_len / (v / 1000.0)))
    torch_best, torch_name = min((v, k) for k, v in med.items() if not k.startswith("c"))
    print("  ratio: ours is %.2fx the best PyTorch (%s)" % (torch_best / med["c"], torch_name))
    if "c-before" in med:
        print("  ratio: before, ours was %.2fx the best PyTorch; after / before time per step %.3f" %
              (torch_best / med["c-before"], med["c"] / med["c-before"]))


if __name__ == "__main__":
    main()
