#include "schedkit/util/data_dir.h"

#include <fmt/core.h>

#include <cstdlib>
#include <system_error>

#include "schedkit/util/error.h"

namespace schedkit::util {

namespace fs = std::filesystem;

fs::path ResolveDataDir(const char* env, const fs::path& executable, const fs::path& source_data) {
  std::error_code ec;
  if (env != nullptr && *env != '\0') {
    if (!fs::is_directory(env, ec)) {
      throw Error(
          fmt::format("SCHEDKIT_DATA_DIR='{}' is not a directory (unset it to use the bundled data)", env));
    }
    return env;
  }
  if (!executable.empty()) {
    const fs::path installed = executable.parent_path() / ".." / "share" / "schedkit" / "data";
    if (fs::is_directory(installed, ec)) return installed.lexically_normal();
  }
  return source_data;
}

fs::path DataDir() {
  std::error_code ec;
  const fs::path executable = fs::read_symlink("/proc/self/exe", ec);  // Linux; empty elsewhere
  return ResolveDataDir(std::getenv("SCHEDKIT_DATA_DIR"), ec ? fs::path() : executable,
                        SCHEDKIT_SOURCE_DATA_DIR);
}

}  // namespace schedkit::util
