//===- FuzzCheck.h - Invariants the fuzz targets assert ---------*- C++ -*-===//
//
// A fuzz target finds crashes by itself; FUZZ_CHECK turns a broken promise
// (an accepted input whose result is inconsistent, a round trip that does not
// return what it was given) into one as well, with the condition printed.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_FUZZ_FUZZCHECK_H
#define QFORGE_FUZZ_FUZZCHECK_H

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                  \
  do {                                                                         \
    if (!(condition)) {                                                        \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__,     \
                   __LINE__, #condition);                                      \
      std::abort();                                                            \
    }                                                                          \
  } while (false)

#endif // QFORGE_FUZZ_FUZZCHECK_H
