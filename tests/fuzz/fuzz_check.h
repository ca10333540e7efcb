#pragma once
// Invariant checks for the fuzz targets. Unlike assert() they stay on whatever the build type:
// a broken invariant prints where and why, then aborts, which libFuzzer reports as a crash and
// saves the input that caused it.

#include <cstdio>
#include <cstdlib>

#define BP_FUZZ_CHECK(condition)                                                           \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (false)
