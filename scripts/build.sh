#!/usr/bin/env bash
# Configures and builds QForge in ./build (or $BUILD_DIR) with Ninja and
# ccache, two jobs (the machines have two cores). Arguments are targets.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
fi
# Arguments, if any, are targets (e.g. qforge-opt).
if [ $# -gt 0 ]; then
  cmake --build "$BUILD_DIR" -j "${JOBS:-2}" --target "$@"
else
  cmake --build "$BUILD_DIR" -j "${JOBS:-2}"
fi
