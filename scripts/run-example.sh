#!/usr/bin/env bash
# The main job: set up, build, then compile the bundled digits model
# (examples/digits/model.onnx, an MLP trained on scikit-learn's digits by
# examples/digits/make_digits.py, with its calibration set calib.npz and test
# split test.npz) with qforge-compile — once in float, once per scheme,
# calibrated schemes through qforge-calibrate — and run the test set through
# each artifact with qforge-run. Prints a table: accuracy, weight size,
# library size and latency against float. Pass schemes to choose others,
# e.g. `scripts/run-example.sh w8 w2g32asym w4g32:awq a8w8-static`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh qforge-compile qforge-import qforge-calibrate qforge-opt qforge-run
.venv/bin/python examples/digits/run_digits.py --bin build/bin --work build/example "$@"
