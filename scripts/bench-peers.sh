#!/usr/bin/env bash
# onnxruntime peers of qforge-bench (MatMul f32, MatMulNBits 4-bit,
# DynamicQuantizeMatMul int8) on the same shapes; see scripts/bench_peers.py.
#   scripts/bench-peers.sh --suite llama --threads 1
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if ! "$PY" -c "import onnx, onnxruntime" 2>/dev/null; then
  echo "bench-peers: needs onnx and onnxruntime in .venv (scripts/setup.sh)" >&2
  exit 2
fi
exec "$PY" scripts/bench_peers.py "$@"
