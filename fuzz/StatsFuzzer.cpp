//===- StatsFuzzer.cpp - Fuzzes safetensors, stats files and JSON ---------===//
//
// Stats files (qforge-calibrate's output, read by qf-quantize and the
// tools) are safetensors: an 8-byte header length, a JSON header, then
// tensor bytes. The same input goes to the JSON reader (depth-limited), the
// safetensors reader, and the stats-file reader with its layout and
// statistics validation. An accepted safetensors file must have every
// tensor's bytes match its shape and write back to the same tensors.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"
#include "qforge/Calibration/StatsFile.h"
#include "qforge/Formats/Json.h"
#include "qforge/Formats/SafeTensors.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>

using namespace qforge;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);

  llvm::Expected<llvm::json::Value> json = formats::parseJson(bytes, "<fuzz>");
  if (!json)
    llvm::consumeError(json.takeError());

  llvm::Expected<formats::SafeTensorsFile> file =
      formats::parseSafeTensors(bytes, "<fuzz>");
  if (file) {
    for (const auto &[name, tensor] : file->tensors) {
      for (int64_t dim : tensor.shape)
        FUZZ_CHECK(dim >= 0);
      FUZZ_CHECK(uint64_t(tensor.numElements()) *
                     formats::safeTensorsDTypeSize(tensor.dtype) ==
                 tensor.data.size());
    }
    std::string written;
    llvm::raw_string_ostream os(written);
    formats::writeSafeTensors(os, *file);
    llvm::Expected<formats::SafeTensorsFile> again =
        formats::parseSafeTensors(written, "<again>");
    FUZZ_CHECK(bool(again));
    FUZZ_CHECK(again->tensors.size() == file->tensors.size());
    for (const auto &[name, tensor] : file->tensors) {
      const formats::SafeTensor *other = again->find(name);
      FUZZ_CHECK(other && other->dtype == tensor.dtype &&
                 other->shape == tensor.shape && other->data == tensor.data);
    }
  } else {
    llvm::consumeError(file.takeError());
  }

  llvm::Expected<calib::StatsFile> stats = calib::parseStatsFile(bytes, "<fuzz>");
  if (!stats)
    llvm::consumeError(stats.takeError());
  return 0;
}
