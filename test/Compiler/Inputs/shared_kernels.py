"""Model, inputs and reference for ../shared-kernels.mlir.

    shared_kernels.py make DIR                 writes DIR/model.onnx, DIR/x.npy
    shared_kernels.py check DIR TOL Y.npy REF  compares Y with REF (a .npy,
                                               or "ort": onnxruntime on the model)

Six MatMul + bias + Relu layers: four 32x32 (one kernel shape), then 32x16
and 16x16; every layer has its own weights and bias, so kernels shared
between layers must still read each layer's own.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SHAPES = [(32, 32)] * 4 + [(32, 16), (16, 16)]


def make(work):
    rng = np.random.default_rng(7)
    nodes, inits, prev = [], [], "x"
    for i, (k, n) in enumerate(SHAPES):
        w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
        b = (rng.standard_normal(n) * 0.5).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")]
        out = "y" if i == len(SHAPES) - 1 else f"h{i}"
        nodes += [helper.make_node("MatMul", [prev, f"w{i}"], [f"m{i}"], name=f"fc{i}"),
                  helper.make_node("Add", [f"m{i}", f"b{i}"], [f"a{i}"], name=f"add{i}"),
                  helper.make_node("Relu", [f"a{i}"], [out], name=f"relu{i}")]
        prev = out
    graph = helper.make_graph(
        nodes, "stack",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [8, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [8, 16])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, f"{work}/model.onnx")
    np.save(f"{work}/x.npy", rng.standard_normal((8, 32)).astype(np.float32))


def check(work, tol, got_path, ref):
    got = np.load(got_path)
    if ref == "ort":
        import onnxruntime
        session = onnxruntime.InferenceSession(f"{work}/model.onnx",
                                               providers=["CPUExecutionProvider"])
        want = session.run(None, {"x": np.load(f"{work}/x.npy")})[0]
    else:
        want = np.load(ref)
    diff = float(np.max(np.abs(got - want)))
    scale = float(np.max(np.abs(want)))
    ok = got.shape == want.shape and scale > 0 and diff <= tol * scale
    print(f"{'ok' if ok else 'MISMATCH'} {got.shape} max |diff| {diff:.3g} of {scale:.3g}")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
        sys.exit(0)
    sys.exit(check(sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5]))
