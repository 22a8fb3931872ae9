#!/usr/bin/env bash
# Builds QForge's fuzz targets with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer (Clang 22, build dir build-fuzz) and runs each
# one until it has executed RUNS inputs or SECONDS have passed, whichever
# comes first. Each target starts from its seed corpus (fuzz/corpus/NAME);
# the corpus it grows is kept in build-fuzz/fuzz-corpus/NAME for the next
# run; a crash is written to build-fuzz/fuzz-crashes/NAME/ and makes the
# script exit non-zero. A crash, once fixed, goes to fuzz/crashes/NAME/ so
# that ctest replays it in every build.
#
#   scripts/fuzz.sh [--runs N] [--time SECONDS] [TARGET...]
#   TARGET: onnx npy stats options qf-dialect (default: all)
#   defaults: --runs 1000000 --time 900 (per target)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=1000000
TIME=900
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --time) TIME="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(onnx npy stats options qf-dialect)

scripts/setup.sh --clang
BUILD=build-fuzz
cmake -G Ninja -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DQFORGE_ENABLE_FUZZERS=ON -DQFORGE_SANITIZERS=address,undefined >/dev/null
ninja -C "$BUILD" $(printf 'qforge-fuzz-%s ' "${TARGETS[@]}")

# LLVM's headers poison and unpoison their allocators' memory when compiled
# with ASan; libLLVM and libMLIR were not, so the two halves disagree (a
# false use-after-poison in the parser): manual poisoning is switched off.
export ASAN_OPTIONS="allow_user_poisoning=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

status=0
for target in "${TARGETS[@]}"; do
  corpus="$BUILD/fuzz-corpus/$target"
  crashes="$BUILD/fuzz-crashes/$target"
  mkdir -p "$corpus" "$crashes"
  log="$BUILD/fuzz-$target.log"
  echo "fuzz.sh: $target: up to $RUNS runs or $TIME s (log: $log)"
  # One process, one input at a time: -timeout flags an input that takes
  # over 30 s (a hang), -rss_limit_mb one that needs over 4 GB.
  if "$BUILD/bin/qforge-fuzz-$target" "$corpus" "fuzz/corpus/$target" \
      -runs="$RUNS" -max_total_time="$TIME" -timeout=30 -rss_limit_mb=4096 \
      -max_len=65536 -artifact_prefix="$crashes/" -print_final_stats=1 \
      >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH (see $log and $crashes)"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  seconds=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  echo "fuzz.sh: $target: ${runs:-?} runs in ${seconds:-?} s, ${cov:-cov: ?}, $result"
done
exit $status
