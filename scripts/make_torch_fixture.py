#!/usr/bin/env python3
"""make_torch_fixture.py - PyTorch reference fixtures for the engine's forward pass.

Builds, with torch.nn.Transformer, models exactly like ours (post-LayerNorm,
ReLU, dropout 0, batch_first, one shared embedding used for the source, the
target and the output projection, embeddings times sqrt(D) plus sinusoidal PE),
randomises EVERY parameter (LayerNorm gains and biases and all biases too, so
no bug can hide behind a default of 1 or 0), and writes for each fixture:

  tests/fixtures/<name>.safetensors   the weights, with our tensor names and metadata
  tests/fixtures/<name>.expect        the inputs and the expected outputs (text, see below)

The fixtures:
  torch_paper    d_model 16, 2 heads, 2+2 layers, d_ff 64, no final norms
                 (custom encoder/decoder with norm=None, as in the paper), with a vocab
  torch_default  d_model 32, 4 heads, 2+2 layers, d_ff 64, the default
                 nn.Transformer (encoder.norm and decoder.norm present), no vocab

.expect format (whitespace-separated text, one record per line):
  tlab-torch-fixture 1
  src S id...                       encoder input ids (no specials added)
  tgt T id...                       decoder input ids (teacher forcing)
  logits T V v...                   row t: the prediction after tgt[0..t]
  attn KIND LAYER H Q K v...        per-head post-softmax weights [H, Q, K];
                                    KIND is enc_self, dec_self or dec_cross

The reference runs in float64 on the float32 weights. Deterministic for a
seed; CI never runs this (it needs torch): the outputs are committed.
Run with Debian's interpreter:  /usr/bin/python3 scripts/make_torch_fixture.py
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "..", "tests", "fixtures")

SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]


def positional_encoding(length, d):
    """PE(pos, 2i) = sin(pos / 10000^(2i/D)), PE(pos, 2i+1) = cos(same), pos from 0."""
    pe = torch.zeros(length, d, dtype=torch.float64)
    for pos in range(length):
        for i in range(0, d, 2):
            angle = pos / (10000.0 ** (i / d))
            pe[pos, i] = math.sin(angle)
            if i + 1 < d:
                pe[pos, i + 1] = math.cos(angle)
    return pe


class Seq2Seq(nn.Module):
    """Our model: nn.Transformer plus one shared embedding (state-dict names
    "transformer.*" and "embedding.weight")."""

    def __init__(self, vocab_size, d_model, nhead, n_enc, n_dec, d_ff, final_norm):
        super().__init__()
        kw = dict(dropout=0.0, batch_first=True, norm_first=False, layer_norm_eps=1e-5)
        if final_norm:
            self.transformer = nn.Transformer(d_model=d_model, nhead=nhead, num_encoder_layers=n_enc,
                                              num_decoder_layers=n_dec, dim_feedforward=d_ff, **kw)
        else:
            enc_layer = nn.TransformerEncoderLayer(d_model, nhead, d_ff, **kw)
            dec_layer = nn.TransformerDecoderLayer(d_model, nhead, d_ff, **kw)
            encoder = nn.TransformerEncoder(enc_layer, n_enc, norm=None, enable_nested_tensor=False)
            decoder = nn.TransformerDecoder(dec_layer, n_dec, norm=None)
            self.transformer = nn.Transformer(d_model=d_model, nhead=nhead, dim_feedforward=d_ff,
                                              custom_encoder=encoder, custom_decoder=decoder, **kw)
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.d_model = d_model

    def forward(self, src_ids, tgt_ids):
        d = self.d_model
        pe = positional_encoding(max(src_ids.shape[1], tgt_ids.shape[1]), d).to(self.embedding.weight.dtype)
        x = self.embedding(src_ids) * math.sqrt(d) + pe[: src_ids.shape[1]]
        y = self.embedding(tgt_ids) * math.sqrt(d) + pe[: tgt_ids.shape[1]]
        mask = nn.Transformer.generate_square_subsequent_mask(tgt_ids.shape[1]).to(x.dtype)
        out = self.transformer(x, y, tgt_mask=mask)
        return out @ self.embedding.weight.T, mask


def randomise(model, gen):
    """Every parameter random and away from its default, at scales that keep
    the softmaxes soft (so attention weights are a discriminating check)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "embedding.weight":
                p.copy_(torch.randn(p.shape, generator=gen) * p.shape[1] ** -0.5)
            elif "norm" in name and name.endswith("weight"):
                p.copy_(0.6 + 0.8 * torch.rand(p.shape, generator=gen))
            elif p.dim() == 1:
                p.copy_(0.4 * torch.rand(p.shape, generator=gen) - 0.2)
            else:
                fan_in = p.shape[1]
                p.copy_((2 * torch.rand(p.shape, generator=gen) - 1) * math.sqrt(3.0 / fan_in))


def our_name(name):
    for prefix in ("model.", "transformer."):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def write_safetensors(path, tensors, metadata):
    """safetensors in a few lines: u64 LE header length, JSON header padded
    with spaces to 8 bytes, then the raw little-endian F32 data."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, t in tensors:
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def fmt(values):
    return " ".join("%.9g" % v for v in values)


def make(name, seed, vocab_size, d_model, nhead, d_ff, final_norm, with_vocab, n_src, n_tgt, max_len=16):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = Seq2Seq(vocab_size, d_model, nhead, 2, 2, d_ff, final_norm)
    randomise(model, gen)
    model.train()  # dropout is 0; training mode keeps torch off its inference fast path

    # The weights file, from the float32 parameters.
    state = [(our_name(k), v) for k, v in model.state_dict().items()]
    names = [k for k, _ in state]
    assert len(set(names)) == len(names)
    assert ("encoder.norm.weight" in names) == final_norm
    meta = {
        "format": "pt",
        "d_model": str(d_model),
        "nhead": str(nhead),
        "num_encoder_layers": "2",
        "num_decoder_layers": "2",
        "dim_feedforward": str(d_ff),
        "layer_norm_eps": "1e-05",
        "max_len": str(max_len),
        "vocab_size": str(vocab_size),
        "task": "torch-reference",
    }
    if with_vocab:
        words = SPECIALS + ["w%02d" % i for i in range(4, vocab_size - 2)] + ["über", "\"quoted\""]
        assert len(words) == vocab_size
        meta["vocab"] = json.dumps(words, ensure_ascii=False)
    write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), state, meta)

    # The reference run, in float64 on those same values.
    model = model.double()
    src = torch.randint(0, vocab_size, (1, n_src), generator=gen)
    tgt = torch.randint(0, vocab_size, (1, n_tgt), generator=gen)

    seen = {}   # module -> (args, output) of the call inside the full forward
    hooks = []
    for mod_name, mod in model.named_modules():
        if isinstance(mod, nn.MultiheadAttention):
            def hook(m, args, output, mod_name=mod_name):
                seen[mod_name] = (tuple(a.clone() for a in args[:3]), output[0].clone())
            hooks.append(mod.register_forward_hook(hook))
    with torch.no_grad():
        logits, mask = model(src, tgt)
    for h in hooks:
        h.remove()

    lines = ["tlab-torch-fixture 1",
             "src %d %s" % (n_src, " ".join(str(int(i)) for i in src[0])),
             "tgt %d %s" % (n_tgt, " ".join(str(int(i)) for i in tgt[0])),
             "logits %d %d %s" % (n_tgt, vocab_size, fmt(logits[0].reshape(-1).tolist()))]

    # Per-head weights: call each attention module again on exactly the inputs
    # it saw, asking for the weights, and check its output is what the full
    # forward got (so the mask assumed here is the mask torch used).
    with torch.no_grad():
        for kind, stack, attr, n_layers in (("enc_self", "transformer.encoder", "self_attn", 2),
                                            ("dec_self", "transformer.decoder", "self_attn", 2),
                                            ("dec_cross", "transformer.decoder", "multihead_attn", 2)):
            for layer in range(n_layers):
                mod_name = "%s.layers.%d.%s" % (stack, layer, attr)
                mod = model.get_submodule(mod_name)
                (q, k, v), out_seen = seen[mod_name]
                attn_mask = mask if kind == "dec_self" else None
                out, w = mod(q, k, v, attn_mask=attn_mask, need_weights=True, average_attn_weights=False)
                err = (out - out_seen).abs().max().item()
                assert err < 1e-12, (mod_name, err)
                w = w[0]  # [H, Q, K]
                if kind == "dec_self":
                    assert w[:, 0, 1:].abs().max().item() == 0.0
                lines.append("attn %s %d %d %d %d %s" % (kind, layer, nhead, w.shape[1], w.shape[2],
                                                         fmt(w.reshape(-1).tolist())))
    with open(os.path.join(OUT_DIR, name + ".expect"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("%s: %d tensors, logits [%d, %d], |logits| max %.3f" %
          (name, len(state), n_tgt, vocab_size, logits.abs().max().item()))


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.set_num_threads(1)
    make("torch_paper", seed=1234, vocab_size=24, d_model=16, nhead=2, d_ff=64, final_norm=False,
         with_vocab=True, n_src=7, n_tgt=5)
    make("torch_default", seed=5678, vocab_size=30, d_model=32, nhead=4, d_ff=64, final_norm=True,
         with_vocab=False, n_src=7, n_tgt=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
