// Graph test helpers: ErrorOf, a job-shop instance from text, and locating ../shared data in tests: skip with
// a visible reason when absent, fail under CI=true.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "schedkit/graph/jssp_instance.h"
#include "schedkit/util/error.h"

namespace schedkit::graph::testing {

inline std::string SharedPath(const std::string& relative) {
  return std::string(SCHEDKIT_SHARED_DIR) + "/" + relative;
}

// Runs `fn` and returns the schedkit::Error message ("" if nothing was thrown).
template <typename Fn>
std::string ErrorOf(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A job-shop instance in the standard format, read from `text` as if from the file "inst.txt".
inline JsspInstance FromText(const std::string& text) {
  std::istringstream in(text);
  return ParseJsspInstance(in, "inst.txt");
}

inline bool RunningInCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

}  // namespace schedkit::graph::testing

// Skips the test (or fails it under CI=true) when the shared file or folder is missing.
#define SCHEDKIT_REQUIRE_SHARED(path)                                                            \
  do {                                                                                           \
    if (!std::filesystem::exists(path)) {                                                        \
      if (::schedkit::graph::testing::RunningInCi()) FAIL() << "missing shared data " << (path); \
      GTEST_SKIP() << "shared data not found: " << (path);                                       \
    }                                                                                            \
  } while (0)
