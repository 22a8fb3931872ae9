//===- InputFile.cpp - Reading untrusted input files ---------------------===//

#include "qforge/Support/InputFile.h"

#include "llvm/Support/FileSystem.h"

namespace qforge {
namespace {

class InputFileCategory : public std::error_category {
public:
  const char *name() const noexcept override { return "qforge-input-file"; }
  std::string message(int) const override {
    return "not a regular file (devices, pipes and directories are not read)";
  }
};

} // namespace

std::error_code notRegularFileError() {
  static const InputFileCategory category;
  return std::error_code(1, category);
}

std::string inputFileError(llvm::StringRef path, std::error_code ec) {
  return "cannot open input file '" + path.str() + "': " + ec.message();
}

llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>>
readInputFile(llvm::StringRef path, bool isText, bool requiresNullTerminator) {
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status))
    return ec;
  if (status.type() != llvm::sys::fs::file_type::regular_file)
    return notRegularFileError();
  return llvm::MemoryBuffer::getFile(path, isText, requiresNullTerminator);
}

} // namespace qforge
