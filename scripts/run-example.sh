#!/usr/bin/env bash
# The main job: set up, build, then compile the bundled float MLP
# (examples/mlp_model.mlir, made by examples/make_mlp.py) with qforge-compile
# to shared libraries — once in float, once per quantization scheme — and run
# them through the C runtime on the bundled input (examples/run_mlp.c). Each
# scheme prints its relative error, library size and latency against float.
# Pass schemes as arguments to choose others.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh qforge-compile run_mlp
schemes=("$@")
[ ${#schemes[@]} -gt 0 ] || schemes=(w8 w4g32 w4g32asym nf4g64 fp8 a8w8)
out=build/example
rm -rf "$out"
build/bin/qforge-compile examples/mlp_model.mlir -o "$out/f32" --quiet
for scheme in "${schemes[@]}"; do
  echo "== $scheme"
  build/bin/qforge-compile examples/mlp_model.mlir --scheme "$scheme" -o "$out/$scheme"
  build/bin/run_mlp "$out/f32/mlp.so" "$out/$scheme/mlp.so" examples/mlp_input.bin
done
