#!/usr/bin/env python3
"""Writes a float ONNX model of about --params parameters for compile-time
measurements: a stack of square MatMul + Add (bias) + Relu layers of width
--width on a [--batch, width] input, weights in an external-data file (the
way large models ship). Random weights with a fixed seed.

    .venv/bin/python scripts/make_large_model.py -o /tmp/large/model.onnx
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--params", type=float, default=100e6)
    parser.add_argument("--width", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()

    d = args.width
    layers = max(1, round(args.params / (d * d + d)))
    rng = np.random.default_rng(0)
    nodes, inits = [], []
    prev = "x"
    for i in range(layers):
        w = (rng.standard_normal((d, d)) / np.sqrt(d)).astype(np.float32)
        b = (rng.standard_normal(d) * 0.01).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"layer{i}.weight"),
                  numpy_helper.from_array(b, f"layer{i}.bias")]
        nodes += [
            helper.make_node("MatMul", [prev, f"layer{i}.weight"], [f"mm{i}"],
                             name=f"layer{i}"),
            helper.make_node("Add", [f"mm{i}", f"layer{i}.bias"], [f"add{i}"]),
        ]
        prev = f"add{i}"
        if i + 1 < layers:
            nodes.append(helper.make_node("Relu", [prev], [f"relu{i}"]))
            prev = f"relu{i}"
    graph = helper.make_graph(
        nodes, "large",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [args.batch, d])],
        [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [args.batch, d])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    onnx.save_model(model, args.output, save_as_external_data=True,
                    all_tensors_to_one_file=True,
                    location=os.path.basename(args.output) + ".data",
                    size_threshold=1024)
    params = layers * (d * d + d)
    print(f"{args.output}: {layers} layers of {d}x{d}, {params / 1e6:.1f}M parameters")


if __name__ == "__main__":
    main()
