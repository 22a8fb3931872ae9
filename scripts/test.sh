#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds QForge and runs the whole test
# suite (lit FileCheck/mlir-runner tests and GoogleTest) under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j 2
