"""Prints docs/QUANTIZE.md's table of the sensitive-layer policy: accuracy
on the held-out digits of the bundled MLP (examples/digits) or of the
digits CNN (trained here with the same seed as test/e2e/digits_test.py), per
scheme, with every layer quantized (--sensitive-layers=quantize) and with
the default policy (keep), and each layer's SQNR on the calibration rows.

    .venv/bin/python scripts/sensitive_layers_table.py --bin build/bin \\
        --work /tmp/sensitive mlp|cnn SCHEME[:ALGORITHM]...
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, "..", "examples", "digits")
sys.path.insert(0, DIGITS)
import digits  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("model", choices=["mlp", "cnn"])
    parser.add_argument("schemes", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    if args.model == "mlp":
        onnx_path = os.path.join(DIGITS, "model.onnx")
        with np.load(os.path.join(DIGITS, "test.npz")) as z:
            x, y = z["pixels"], z["labels"]
        with np.load(os.path.join(DIGITS, "calib.npz")) as z:
            calib = z["pixels"]
    else:
        train_x, train_y, test_x, y = digits.load_digits_split()
        shape = digits.input_shape("cnn")
        onnx_path = os.path.join(args.work, "cnn.onnx")
        digits.export_onnx(digits.train("cnn", train_x, train_y), shape,
                           onnx_path)
        x = test_x.reshape(shape)
        calib = digits.calibration_set(train_x, shape)
    calib_npz = os.path.join(args.work, "calib.npz")
    test_npz = os.path.join(args.work, "test.npz")
    np.savez(calib_npz, pixels=calib)
    np.savez(test_npz, pixels=x)

    def compile_and_run(label, flags):
        out = os.path.join(args.work, label)
        subprocess.run([os.path.join(args.bin, "qforge-compile"), onnx_path,
                        "-o", out, "--quiet", "--calib", calib_npz, *flags],
                       check=True)
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        outputs = os.path.join(out, "outputs.npz")
        subprocess.run([os.path.join(args.bin, "qforge-run"),
                        os.path.join(out, report["name"] + ".so"), "--input",
                        test_npz, "--output", outputs], check=True,
                       capture_output=True)
        with np.load(outputs) as z:
            accuracy = 100 * np.mean(z["logits"].argmax(-1) == y)
        return accuracy, report

    base, _ = compile_and_run("f32", [])
    print(f"digits {args.model}: {len(y)} test images, float {base:.2f}%")
    print("| scheme | every layer | bytes | keep (default) | bytes | "
          "layers kept at w8 | SQNR of the others (dB) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for text in args.schemes:
        scheme, _, algorithm = text.partition(":")
        flags = ["--scheme", scheme, "--algorithm", algorithm or "rtn"]
        label = text.replace(":", "-")
        every, every_report = compile_and_run(
            label + "-quantize", flags + ["--sensitive-layers=quantize"])
        keep, keep_report = compile_and_run(label + "-keep", flags)
        kept = [l["name"] for l in keep_report["layers"] if "kept_wider" in l]
        # A floor no layer reaches makes every reason carry the layer's SQNR.
        _, probe = compile_and_run(label + "-probe",
                                   flags + ["--sensitive-min-sqnr=1000"])
        sqnr = [l["kept_wider"].split(" ")[1] for l in probe["layers"]
                if l.get("kept_wider", "").startswith("SQNR")]
        print(f"| {text} | {every:.2f}% | {every_report['weight_bytes_after']} "
              f"| {keep:.2f}% | {keep_report['weight_bytes_after']} | "
              f"{', '.join(kept) or '-'} | {', '.join(sqnr) or '-'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
