"""Regenerates the bundled digits example (the README's main job):

    model.onnx  an MLP (64-128-64-10) trained on scikit-learn's digits,
                exported with torch.onnx.export for a static batch of 360
    calib.npz   calibration samples: 'pixels' [2, 360, 64] from the training
                split (the leading dimension counts samples)
    test.npz    the test split: 'pixels' [360, 64] float32, 'labels' [360]

Needs Debian's python3-torch and python3-sklearn; fixed seeds, a few seconds
on one CPU thread:

    .venv/bin/python examples/digits/make_digits.py [OUT_DIR]
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import digits  # noqa: E402


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    os.makedirs(out, exist_ok=True)
    train_x, train_y, test_x, test_y = digits.load_digits_split()
    model = digits.train("mlp", train_x, train_y)
    shape = digits.input_shape("mlp")
    digits.export_onnx(model, shape, os.path.join(out, "model.onnx"))
    np.savez_compressed(os.path.join(out, "calib.npz"),
                        pixels=digits.calibration_set(train_x, shape))
    np.savez_compressed(os.path.join(out, "test.npz"), pixels=test_x,
                        labels=test_y)
    print(f"wrote model.onnx, calib.npz, test.npz to {out}")


if __name__ == "__main__":
    main()
