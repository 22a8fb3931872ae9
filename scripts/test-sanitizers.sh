#!/usr/bin/env bash
# Builds QForge with AddressSanitizer and UndefinedBehaviorSanitizer (Clang
# 22, build dir build-asan, every QForge library, tool and test
# instrumented) and runs the test suite under ctest. Any sanitizer report
# fails the test that triggered it (UBSan does not recover). Leak checking
# is off: Python and LLVM's global registries would drown it.
#
#   scripts/test-sanitizers.sh [ctest arguments, e.g. -R lit]
#
# Not run: install-consumer (it builds an uninstrumented consumer against
# the instrumented libraries). Tests take up to 4 times their usual time
# limit (QFORGE_TEST_TIMEOUT_SCALE).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --clang
BUILD="${BUILD_DIR:-build-asan}"
cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DQFORGE_SANITIZERS=address,undefined >/dev/null
ninja -C "$BUILD"
# allow_user_poisoning=0: LLVM's headers poison their allocators' memory
# when compiled with ASan, libLLVM and libMLIR were not (a false
# use-after-poison otherwise).
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allow_user_poisoning=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
ctest --test-dir "$BUILD" --output-on-failure -j 2 -E '^install-consumer$' "$@"
