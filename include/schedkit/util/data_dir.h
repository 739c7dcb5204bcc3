// Where the data that ships with schedkit (execution-time profiles, the default trace slice) is found at run
// time.
#pragma once

#include <filesystem>

namespace schedkit::util {

// The data folder, the first of:
//  1. $SCHEDKIT_DATA_DIR when set and non-empty (schedkit::Error when it is not a directory);
//  2. <directory of the running executable>/../share/schedkit/data, the install layout;
//  3. the source tree's data/ compiled into the library, for binaries run from the build tree.
// When none exists the source tree's path is returned, so the caller's error names the file it missed.
std::filesystem::path DataDir();

// The same lookup with the inputs explicit (for tests): `env` is $SCHEDKIT_DATA_DIR or nullptr, `executable`
// the running binary's path (empty when unknown), `source_data` the compiled-in fallback.
std::filesystem::path ResolveDataDir(const char* env, const std::filesystem::path& executable,
                                     const std::filesystem::path& source_data);

}  // namespace schedkit::util
