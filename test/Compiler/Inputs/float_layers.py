"""Inputs and the numpy reference for ../float-layers.mlir.

    float_layers.py make DIR             writes DIR/x.npy
    float_layers.py check DIR Y.npy...   compares each output with numpy
"""
import sys

import numpy as np

# The constants of ../float-layers.mlir.
W1 = np.array([[1.0, 0.5, -1.0], [2.0, 0.0, 0.25], [-0.5, 1.5, 3.0],
               [0.1, -2.0, 1.0]], np.float32)               # [K, N]
W2 = np.array([[1.0, -1.0, 0.5], [0.25, 2.0, -3.0]], np.float32)  # [N, K]
ACC = np.float32(0.75)


def main():
    mode, work = sys.argv[1], sys.argv[2]
    if mode == "make":
        rng = np.random.default_rng(0)
        np.save(f"{work}/x.npy", rng.standard_normal((40, 4)).astype(np.float32))
        return 0
    x = np.load(f"{work}/x.npy").astype(np.float64)
    h = np.maximum(x @ W1, 0.0)
    want = h @ W2.T.astype(np.float64) + ACC
    status = 0
    for path in sys.argv[3:]:
        got = np.load(path)
        diff = float(np.max(np.abs(got - want)))
        ok = got.shape == want.shape and diff <= 1e-5 * float(np.max(np.abs(want)))
        print(f"{'ok' if ok else 'MISMATCH'} {got.shape} max |diff| {diff:.3g}")
        status |= not ok
    return status


if __name__ == "__main__":
    sys.exit(main())
