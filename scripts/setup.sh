#!/usr/bin/env bash
# Installs everything QForge needs on a fresh Debian 12 machine. Idempotent: safe to re-run.
# `--clang` adds Clang 22 with libFuzzer and the sanitizer runtimes.
#   - Debian packages: LLVM/MLIR 22, GoogleTest, Google Benchmark, ONNX, protobuf, ccache, ninja, ...
#   - a Python venv at .venv (from /usr/bin/python3, with system site packages) holding the
#     PyPI packages the tests use as references: onnx (backend test data), onnxruntime, ml_dtypes;
#     Debian's torch and scikit-learn train and export the real-model tests' models.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  cmake ninja-build ccache g++
  libgtest-dev libgmock-dev libbenchmark-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  nlohmann-json3-dev pybind11-dev libopenblas-dev zlib1g-dev
  python3-venv python3-numpy python3-dev
  python3-torch python3-sklearn
)
# scripts/fuzz.sh and scripts/test-sanitizers.sh: Clang, libFuzzer and the
# sanitizer runtimes.
if [ "${1:-}" = "--clang" ]; then
  PACKAGES+=(clang-22 libclang-rt-22-dev)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Debian's numpy/torch belong to /usr/bin/python3; the venv shares them and its ABI.
if [ ! -x .venv/bin/python ]; then
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
# The references are pinned: the import tests run every backend case the
# onnx wheel generates for the supported operators and compare with
# onnxruntime, so a new release of either (new cases, changed semantics)
# must be taken on purpose (docs/IMPORT.md records the counts per version).
ONNX_VERSION=1.23.2
ORT_VERSION=1.32.0
if ! .venv/bin/python -c "import onnx, onnxruntime, ml_dtypes, pytest
assert onnx.__version__ == '$ONNX_VERSION', onnx.__version__
assert onnxruntime.__version__ == '$ORT_VERSION', onnxruntime.__version__" 2>/dev/null; then
  .venv/bin/pip install -q --disable-pip-version-check "onnx==$ONNX_VERSION" \
    "onnxruntime==$ORT_VERSION" ml_dtypes pytest
fi
echo "setup: done"
