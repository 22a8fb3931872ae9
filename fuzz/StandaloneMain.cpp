//===- StandaloneMain.cpp - Runs a fuzz target on saved inputs ------------===//
//
// A main for the fuzz targets when they are built without libFuzzer (GCC, or
// a build without -DQFORGE_ENABLE_FUZZERS=ON): it feeds every file named on
// the command line, or found under a named directory, to
// LLVMFuzzerTestOneInput once. ctest runs each target this way on its seed
// corpus and on the inputs of every crash found so far, so the targets keep
// building and the crashes stay fixed in every build, CI included.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
    __attribute__((weak));

namespace {

bool runFile(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "error: cannot read '%s'\n", path.c_str());
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  // A copy of exactly the file's size, so that a read past the end is one
  // that AddressSanitizer sees.
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
  return true;
}

} // namespace

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n"
                 "Runs the fuzz target once on each file (libFuzzer-free "
                 "build).\n", argv[0]);
    return 2;
  }
  size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path arg(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      std::vector<std::filesystem::path> files;
      for (const auto &entry :
           std::filesystem::recursive_directory_iterator(arg, ec))
        if (entry.is_regular_file())
          files.push_back(entry.path());
      if (ec) {
        std::fprintf(stderr, "error: cannot list '%s': %s\n", argv[i],
                     ec.message().c_str());
        return 1;
      }
      std::sort(files.begin(), files.end());
      for (const auto &file : files) {
        if (!runFile(file))
          return 1;
        ++runs;
      }
    } else {
      if (!runFile(arg))
        return 1;
      ++runs;
    }
  }
  std::printf("%s: %zu inputs run, none crashed\n", argv[0], runs);
  return 0;
}
