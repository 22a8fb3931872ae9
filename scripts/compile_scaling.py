#!/usr/bin/env python3
"""Compile time against graph size (issue 16, "Scaling").

Writes ONNX graphs of N ops and times qforge-compile on each, end to end
and per stage (--emit=llvm-mlir: the MLIR passes; --emit=llvm: plus LLVM's
optimizer; the artifact: plus code generation and linking). Two shapes:

  chain   N chained elementwise ops (Add, Mul, Tanh, Sigmoid, Relu in turn,
          each with its own constant, as exporters write them): all fuse
  blocks  N/5 blocks of MatMul (own 64x64 weight), Add (bias), Relu,
          ReduceMean, Sub: one matmul kernel and a reduction per block, so
          every block stays a separate loop nest

  compile_scaling.py QFORGE_COMPILE [N ...] [--graph chain|blocks]
                     [--width W] [--stages]

Prints a Markdown table (ops, seconds, seconds per op) for
docs/BENCHMARKS.md.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

OPS = ["Add", "Mul", "Tanh", "Sigmoid", "Relu"]


def model(nodes, inits, width):
    """A graph x [4, width] -> y [4, width] of `nodes`."""
    g = h.make_graph(nodes, "graph",
                     [h.make_tensor_value_info("x", T.FLOAT, [4, width])],
                     [h.make_tensor_value_info("y", T.FLOAT, [4, width])],
                     inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def chain(n, width):
    nodes, inits = [], []
    prev = "x"
    rng = np.random.default_rng(n)
    for i in range(n):
        op = OPS[i % len(OPS)]
        out = "y" if i == n - 1 else "t%d" % i
        if op in ("Add", "Mul"):
            c = "c%d" % i
            value = rng.uniform(0.5, 1.5, (1, width)).astype(np.float32)
            inits.append(nh.from_array(value, c))
            nodes.append(h.make_node(op, [prev, c], [out], name="op%d" % i))
        else:
            nodes.append(h.make_node(op, [prev], [out], name="op%d" % i))
        prev = out
    return model(nodes, inits, width)


def blocks(n, width):
    nodes, inits = [], []
    prev = "x"
    rng = np.random.default_rng(n)
    for b in range(max(1, n // 5)):
        w, bias = "w%d" % b, "b%d" % b
        inits.append(nh.from_array(
            (rng.standard_normal((width, width)) / np.sqrt(width)).astype(np.float32), w))
        inits.append(nh.from_array(rng.standard_normal((width,)).astype(np.float32) * 0.1, bias))
        names = ["mm%d" % b, "add%d" % b, "relu%d" % b, "mean%d" % b, "y%d" % b]
        nodes += [h.make_node("MatMul", [prev, w], [names[0]], name=names[0]),
                  h.make_node("Add", [names[0], bias], [names[1]], name=names[1]),
                  h.make_node("Relu", [names[1]], [names[2]], name=names[2]),
                  h.make_node("ReduceMean", [names[2]], [names[3]], name=names[3],
                              axes=[-1], keepdims=1),
                  h.make_node("Sub", [names[2], names[3]], [names[4]], name=names[4])]
        prev = names[4]
    nodes[-1].output[0] = "y"
    return model(nodes, inits, width)


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("compiler")
    ap.add_argument("sizes", nargs="*", type=int, default=[50, 200, 400, 1000, 2000])
    ap.add_argument("--graph", choices=["chain", "blocks"], default="chain")
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--stages", action="store_true",
                    help="also time --emit=llvm-mlir and --emit=llvm")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("| ops | MLIR passes (s) | + LLVM opt (s) | artifact (s) | s per op |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for n in a.sizes:
            path = os.path.join(tmp, "chain%d.onnx" % n)
            make = chain if a.graph == "chain" else blocks
            onnx.save(make(n, a.width), path)
            base = [a.compiler, path, "--quiet", "--name", "chain"]
            mlir = llvm = "-"
            if a.stages:
                mlir = "%.2f" % timed(base + ["--emit=llvm-mlir", "-o", os.path.join(tmp, "m%d" % n)])
                llvm = "%.2f" % timed(base + ["--emit=llvm", "-o", os.path.join(tmp, "l%d" % n)])
            full = timed(base + ["-o", os.path.join(tmp, "a%d" % n)])
            print("| %d | %s | %s | %.2f | %.4f |" % (n, mlir, llvm, full, full / n))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
