"""Inputs and the ONNX Runtime reference for ../sensitive-layers.mlir.

    sensitive_layers.py make DIR                    writes DIR/x.npy
    sensitive_layers.py check MODEL.onnx DIR KEEP.npy QUANTIZE.npy
        compares both outputs with ONNX Runtime's float output: each within
        4-bit error, and the output of the artifact that kept the sensitive
        layers at 8 bits closer than the one that quantized every layer
"""
import sys

import numpy as np


def main():
    mode, *args = sys.argv[1:]
    if mode == "make":
        rng = np.random.default_rng(1)
        np.save(f"{args[0]}/x.npy",
                rng.standard_normal((4, 3, 16, 16)).astype(np.float32))
        return 0
    import onnxruntime

    model, work, keep_path, all_path = args
    x = np.load(f"{work}/x.npy")
    session = onnxruntime.InferenceSession(
        model, providers=["CPUExecutionProvider"])
    (want,) = session.run(None, {"x": x})

    def rel(path):
        got = np.load(path)
        assert got.shape == want.shape, (got.shape, want.shape)
        return float(np.linalg.norm(got - want) / np.linalg.norm(want))

    keep, every = rel(keep_path), rel(all_path)
    ok = keep < every < 0.2
    print(f"{'ok' if ok else 'WRONG'}: relative error against onnxruntime: "
          f"sensitive layers kept {keep:.3g}, every layer quantized {every:.3g}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
