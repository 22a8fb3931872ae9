#!/usr/bin/env bash
# The main job, until qforge-compile exists: set up, build qforge-opt, then
# quantize and run the bundled MLP (examples/mlp.mlir) under w8, w4g16 and
# a8w8 next to the float model, through the qf reference pipeline and
# Debian's mlir-runner. Each scheme prints its output and its max |error|.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh qforge-opt
LLVM=/usr/lib/llvm-22
build/bin/qforge-opt examples/mlp.mlir --qf-reference-to-llvm |
  "$LLVM/bin/mlir-runner" -e main -entry-point-result=void \
    -shared-libs="$LLVM/lib/libmlir_runner_utils.so,$LLVM/lib/libmlir_c_runner_utils.so"
