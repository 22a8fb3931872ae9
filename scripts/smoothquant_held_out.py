"""Prints docs/ALGORITHMS.md's SmoothQuant table: the held-out output error
(qforge-compile --eval) of a8w8 with and without SmoothQuant on the digits
MLP and CNN (trained here with batch 8), calibrated on 1, 4 and 32 batches
of training images and evaluated on 40 batches of test images. The other
activation floors of the table were measured by rebuilding with another
kSmoothQuantActivationFloor (include/qforge/Quant/SmoothQuant.h).

    .venv/bin/python scripts/smoothquant_held_out.py --bin build/bin \\
        --work /tmp/sq mlp|cnn
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples", "digits"))
import digits  # noqa: E402

BATCH = 8


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("model", choices=["mlp", "cnn"])
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    train_x, train_y, test_x, _ = digits.load_digits_split()
    shape = digits.input_shape(args.model, batch=BATCH)
    onnx_path = os.path.join(args.work, f"{args.model}.onnx")
    digits.export_onnx(digits.train(args.model, train_x, train_y), shape,
                       onnx_path)
    rng = np.random.default_rng(0)

    def batches(x, count, name):
        pick = rng.choice(len(x), count * BATCH, replace=False)
        path = os.path.join(args.work, name)
        np.savez(path, pixels=x[pick].reshape((count,) + shape)
                 .astype(np.float32))
        return path

    held = batches(test_x, 40, "held.npz")
    print(f"digits {args.model}: held-out output error of a8w8")
    print("| calibration rows | plain a8w8 | SmoothQuant | layers left at rtn |")
    print("| ---: | ---: | ---: | ---: |")
    for count in (1, 4, 32):
        calib = batches(train_x, count, f"calib{count}.npz")
        errors, fallbacks = [], 0
        for algorithm in ("rtn", "smoothquant"):
            out = os.path.join(args.work, f"{algorithm}-{count}")
            subprocess.run([os.path.join(args.bin, "qforge-compile"),
                            onnx_path, "--scheme", "a8w8", "--algorithm",
                            algorithm, "--calib", calib, "--eval", held,
                            "-o", out, "--quiet"], check=True)
            with open(os.path.join(out, "report.json")) as f:
                report = json.load(f)
            errors.append(report["output_errors"][0]["rel_error"])
            if algorithm == "smoothquant":
                fallbacks = sum(l["algorithm"] == "rtn"
                                for l in report["layers"])
        print(f"| {count * BATCH} | {errors[0]:.4f} | {errors[1]:.4f} | "
              f"{fallbacks} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
