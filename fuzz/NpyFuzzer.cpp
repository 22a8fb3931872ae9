//===- NpyFuzzer.cpp - Fuzzes the .npy / .npz reader ----------------------===//
//
// Calibration samples, --inputs and qforge-run's inputs come from .npy and
// .npz files (zip, zip64, deflate): headers, shapes, offsets and sizes are
// all attacker-chosen. An accepted array must hold exactly the bytes its
// shape and dtype say, and write back to a file that reads the same.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"
#include "qforge/Formats/Npy.h"

#include <cstddef>
#include <cstdint>

using namespace qforge::formats;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  llvm::Expected<std::vector<NpyArray>> arrays = parseNpyOrNpz(bytes, "<fuzz>");
  if (!arrays) {
    llvm::consumeError(arrays.takeError());
    return 0;
  }
  for (const NpyArray &array : *arrays) {
    for (int64_t dim : array.shape)
      FUZZ_CHECK(dim >= 0);
    FUZZ_CHECK(uint64_t(array.numElements()) * array.itemSize ==
               array.data.size());
    llvm::Expected<NpyArray> again = parseNpy(serializeNpy(array), "<again>");
    FUZZ_CHECK(bool(again));
    FUZZ_CHECK(again->shape == array.shape && again->data == array.data &&
               again->kind == array.kind && again->itemSize == array.itemSize);
  }
  return 0;
}
