#!/usr/bin/env python3
"""Writes a transformer decoder block (the one test/e2e/transformer_test.py
checks, scaled up) as ONNX, for autoquant's end-to-end measurements: token
embedding, causal multi-head attention (qkv, proj) and a GELU MLP (fc1,
fc2) with residuals and LayerNorms, random weights (seeded), static
[batch, seq] int64 tokens. Four distinct matmul shapes: qkv [3D, D],
proj [D, D], fc1 [F, D], fc2 [D, F]. Needs Debian's python3-torch
(/usr/bin/python3, or the project's venv) and onnx.

  scripts/make_decoder_block.py -o /tmp/dec/decode.onnx --seq 1
  scripts/make_decoder_block.py -o /tmp/dec/prefill.onnx --seq 128
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "examples", "digits"))
import digits  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--dim", type=int, default=1024)
    parser.add_argument("--ff", type=int, default=4096)
    parser.add_argument("--heads", type=int, default=16)
    parser.add_argument("--seq", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--vocab", type=int, default=256)
    args = parser.parse_args()

    import torch
    import torch.nn as nn

    D, F, H, S, B = args.dim, args.ff, args.heads, args.seq, args.batch

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(args.vocab, D)
            self.ln1 = nn.LayerNorm(D)
            self.qkv = nn.Linear(D, 3 * D)
            self.proj = nn.Linear(D, D)
            self.ln2 = nn.LayerNorm(D)
            self.fc1 = nn.Linear(D, F)
            self.fc2 = nn.Linear(F, D)
            self.register_buffer("mask", torch.full((S, S), -1e4).triu(1))

        def forward(self, tokens):
            dh = D // H
            x = self.embed(tokens)
            q, k, v = self.qkv(self.ln1(x)).split(D, dim=-1)

            def heads(t):
                return t.reshape(B, S, H, dh).transpose(1, 2)

            q, k, v = heads(q), heads(k), heads(v)
            att = q @ k.transpose(-2, -1) * (1.0 / math.sqrt(dh)) + self.mask
            o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, S, D)
            x = x + self.proj(o)
            return x + self.fc2(nn.functional.gelu(self.fc1(self.ln2(x))))

    torch.manual_seed(0)
    block = Block().eval()
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    digits.export_onnx(block, (B, S), args.output, input_name="tokens",
                       output_name="hidden", dtype=torch.int64)
    params = sum(p.numel() for p in block.parameters())
    print(f"{args.output}: decoder block D={D} F={F} heads={H}, "
          f"[{B}, {S}] tokens, {params / 1e6:.1f}M parameters")


if __name__ == "__main__":
    main()
