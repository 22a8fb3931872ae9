"""Real models, end to end: an MLP or a CNN trained here on scikit-learn's
digits (fixed seeds, a few seconds on the CPU), exported with
torch.onnx.export (opset 17, static batch of the whole test split),
compiled with qforge-compile at every main scheme (calibrated ones with
--calib), run with qforge-run. Checks:

- the float artifact's logits equal onnxruntime's on the same inputs (tight
  tolerance) and torch's accuracy;
- the float artifact runs every layer on the fused f32 kernels (one
  thread-pool task per layer in its LLVM IR, --qf-float-matmul-to-kernel),
  and its report calls every layer float (f32, no algorithm, same bytes);
- every scheme's test accuracy is within its stated bound of float:
  w8 and a8w8 (and their calibrated variants) within 1 point.

    digits_test.py --bin build/bin --model mlp|cnn --work DIR
"""
import argparse
import glob
import json
import os
import re
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples", "digits"))
import digits  # noqa: E402

# Accuracy drop allowed (points) against the float artifact, per scheme.
BOUNDS = {
    "w8": 1.0,
    "a8w8": 1.0,
    "a8w8:smoothquant": 1.0,
    "a8w8-static": 1.0,
    "fp8": 1.5,
    "w4g32": 3.0,
    "w4g32asym": 3.0,
    "nf4g32": 3.0,
    "w4g32:gptq": 3.0,
    "w4g32:awq": 3.0,
}


def float_path_failures(tools, onnx_path, work):
    """The float artifact's matmuls take the fused f32 kernels (not scalar
    loops) and its report does not call them quantized."""
    failures = []
    with open(os.path.join(work, "f32", "report.json")) as f:
        layers = json.load(f)["layers"]
    for layer in layers:
        if (layer["scheme"] != "f32" or layer["algorithm"] or
                layer["weight_bytes_after"] != layer["weight_bytes_before"]):
            failures.append(f"float artifact reports layer {layer}")
    llvm_dir = os.path.join(work, "f32-llvm")
    tools("qforge-compile", onnx_path, "--emit=llvm", "-o", llvm_dir,
          "--quiet")
    (ll,) = glob.glob(os.path.join(llvm_dir, "*.ll"))
    with open(ll) as f:
        tasks = re.findall(r"^define internal void @\w+_parallel\d+_task\(",
                           f.read(), re.M)
    print(f"float artifact: {len(tasks)} kernel tasks for {len(layers)} "
          "layers")
    if len(tasks) < len(layers):
        failures.append(f"float artifact: {len(tasks)} kernel tasks for "
                        f"{len(layers)} layers (float matmuls left as loops?)")
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--model", choices=["mlp", "cnn"], required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    import onnxruntime
    import torch

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    train_x, train_y, test_x, test_y = digits.load_digits_split()
    shape = digits.input_shape(args.model)
    model = digits.train(args.model, train_x, train_y)
    x = test_x.reshape(shape)
    with torch.no_grad():
        torch_logits = digits.to_numpy(model(digits.to_torch(x)))
    torch_accuracy = 100.0 * float(np.mean(torch_logits.argmax(-1) == test_y))
    onnx_path = os.path.join(args.work, f"{args.model}.onnx")
    digits.export_onnx(model, shape, onnx_path)

    session = onnxruntime.InferenceSession(onnx_path,
                                           providers=["CPUExecutionProvider"])
    (ort_logits,) = session.run(None, {"pixels": x})

    tools = digits.Tools(args.bin, verbose=args.verbose)
    calib = digits.calibration_set(train_x, shape)
    schemes = ["f32"] + list(BOUNDS)
    rows = digits.evaluate(tools, onnx_path, x, test_y, schemes, args.work,
                           calib=calib)
    print(digits.format_table(
        rows, f"digits {args.model}: {len(test_y)} test images, torch float "
              f"accuracy {torch_accuracy:.2f}%"))

    failures = []
    f32 = rows[0]
    diff = float(np.max(np.abs(f32.logits - ort_logits)))
    scale = float(np.max(np.abs(ort_logits)))
    print(f"float artifact vs onnxruntime: max |diff| {diff:.3g} "
          f"(max |logit| {scale:.3g})")
    if not np.allclose(f32.logits, ort_logits, rtol=1e-4, atol=1e-4 * scale):
        failures.append(f"float logits differ from onnxruntime's by {diff:.3g}")
    if abs(f32.accuracy - torch_accuracy) > 1e-9:
        failures.append(f"float accuracy {f32.accuracy:.2f}% != torch's "
                        f"{torch_accuracy:.2f}%")
    if f32.accuracy < 90.0:
        failures.append(f"float accuracy {f32.accuracy:.2f}% < 90%: training "
                        "went wrong")
    failures += float_path_failures(tools, onnx_path, args.work)
    for row in rows[1:]:
        drop = f32.accuracy - row.accuracy
        if drop > BOUNDS[row.label]:
            failures.append(f"{row.label}: accuracy {row.accuracy:.2f}% is "
                            f"{drop:.2f} points below float (bound "
                            f"{BOUNDS[row.label]})")
        if row.weight_bytes >= f32.weight_bytes:
            failures.append(f"{row.label}: weights not smaller than float")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
