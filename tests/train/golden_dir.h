// Where the golden LR vectors are read from: $SCHEDKIT_GOLDEN_LR if set, else ../shared/golden/lr (the
// SCHEDKIT_SHARED_DIR define) when present, else the copy bundled in data/train/golden_lr. Under CI=true the
// shared copy must be present.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace schedkit::train::testing {

struct GoldenDir {
  std::filesystem::path path;
  std::string source;   // "SCHEDKIT_GOLDEN_LR", "shared", "bundled" or "" when none was found
  std::string problem;  // why it is unusable (empty when usable)
};

inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

inline GoldenDir FindGoldenLrDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("SCHEDKIT_GOLDEN_LR"); env != nullptr && *env != '\0') {
    GoldenDir d{env, "SCHEDKIT_GOLDEN_LR", ""};
    if (!fs::is_directory(d.path))
      d.problem = "SCHEDKIT_GOLDEN_LR=" + d.path.string() + " is not a directory";
    return d;
  }
  const fs::path shared = fs::path(SCHEDKIT_SHARED_DIR) / "golden" / "lr";
  if (fs::is_directory(shared)) return {shared, "shared", ""};
  if (InCi()) return {shared, "", "CI=true but the shared golden folder " + shared.string() + " is missing"};
  const fs::path bundled = fs::path(SCHEDKIT_SOURCE_DIR) / "data" / "train" / "golden_lr";
  if (fs::is_directory(bundled)) return {bundled, "bundled", ""};
  return {shared, "",
          "no golden folder: neither " + shared.string() + " nor " + bundled.string() + " exists"};
}

}  // namespace schedkit::train::testing
