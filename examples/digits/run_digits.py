"""The README's main job: compiles the bundled digits MLP (model.onnx, made
with calib.npz and test.npz by make_digits.py) in float and at each scheme,
runs the test set through every artifact with qforge-run, and prints
accuracy, weight size, library size and latency against float.

    .venv/bin/python examples/digits/run_digits.py --bin build/bin \\
        --work build/example [SCHEME...]

A scheme is a --scheme value ("w8", "w4g32", "a8w8") optionally followed by
":ALGORITHM" ("w4g32:gptq", "a8w8:smoothquant"); calibrated ones (gptq, awq,
smoothquant, *-static) use calib.npz.
"""
import argparse
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import digits  # noqa: E402

DEFAULT_SCHEMES = ["w8", "a8w8", "a8w8:smoothquant", "fp8", "w4g32",
                   "w4g32:gptq", "nf4g32"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--bench", type=int, default=20,
                        help="timed runs per artifact (qforge-run --bench)")
    parser.add_argument("schemes", nargs="*", default=DEFAULT_SCHEMES)
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    with np.load(os.path.join(HERE, "test.npz")) as z:
        test_x, test_y = z["pixels"], z["labels"]
    with np.load(os.path.join(HERE, "calib.npz")) as z:
        calib = z["pixels"]
    tools = digits.Tools(args.bin)
    try:
        rows = digits.evaluate(tools, os.path.join(HERE, "model.onnx"), test_x,
                               test_y, ["f32"] + args.schemes, args.work,
                               calib=calib, bench=args.bench)
    except (RuntimeError, ValueError, OSError) as e:
        print(f"run_digits: {e}", file=sys.stderr)
        return 1
    print(digits.format_table(
        rows, f"digits MLP, {len(test_y)} test images in one batch "
              f"(examples/digits; artifacts in {args.work})"))
    print("weights: bytes of the quantized codes (packed), scales and zero "
          "points (report.json); library: the .so's size;\n  latency: median of "
          f"{args.bench} runs of the whole batch (qforge-run --bench), speed "
          "against float.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
