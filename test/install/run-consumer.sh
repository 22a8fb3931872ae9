#!/usr/bin/env bash
# Installs QForge from BUILD_DIR into a temporary prefix, builds the
# out-of-tree consumer against the installed package, and checks that its
# own opt tool quantizes and lowers a module with QForge's passes, and that
# its runtime program (the C++ wrapper) runs an artifact.
set -euo pipefail
BUILD_DIR=$1
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cmake --install "$BUILD_DIR" --prefix "$WORK/prefix" > "$WORK/install.log"
launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -G Ninja -S "$HERE/consumer" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$WORK/prefix" "${launcher[@]}" > "$WORK/configure.log"
cmake --build "$WORK/build" -j 2 > "$WORK/build.log" || { cat "$WORK/build.log"; exit 1; }
out=$("$WORK/build/consumer-opt" "$HERE/consumer/input.mlir" \
        --qf-quantize="scheme=w8" --qf-lower-to-reference)
# Quantized (i8 weights), then lowered (no qf op left).
grep -q 'tensor<3x4xi8>' <<< "$out" || { echo "no int8 weights in:"; echo "$out"; exit 1; }
if grep -q 'qf\.' <<< "$out"; then echo "qf ops left in:"; echo "$out"; exit 1; fi
# An artifact from the installed compiler (its run path finds libMLIR) that
# the consumer's C++ runtime program and the installed qforge-run run.
"$WORK/prefix/bin/qforge-compile" "$HERE/consumer/input.mlir" -o "$WORK/art" --quiet
out=$("$WORK/build/consumer-run" "$WORK/art/f.so")
[ "$out" = "result0: 3.9 -3 12.5 -2.05 -3.25 3.25" ] || { echo "consumer-run printed: $out"; exit 1; }
"$WORK/prefix/bin/qforge-run" "$WORK/art/f.so" --signature | grep -q "output 0 ('result0'): float32 \[2, 3\]" ||
  { echo "installed qforge-run failed"; exit 1; }
echo "consumer built against the installed package, ran QForge's passes and an artifact"
