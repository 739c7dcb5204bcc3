// Test helper shared by every module's tests: the message of the schedkit::Error a callable throws.
#pragma once

#include <string>

#include "schedkit/util/error.h"

namespace schedkit::testing {

// Runs `fn` and returns the schedkit::Error message ("" when it throws none; other exceptions propagate).
template <typename Fn>
std::string ErrorOf(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace schedkit::testing
