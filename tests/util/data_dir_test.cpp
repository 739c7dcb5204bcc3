// util/data_dir.h: the environment override, the install layout and the build-tree fallback, in that order.
#include "schedkit/util/data_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/error_of.h"

namespace schedkit::util {
namespace {

namespace fs = std::filesystem;
using schedkit::testing::ErrorOf;

// A fresh folder under the test's temporary directory, removed at the end of the test.
class DataDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        fs::path(::testing::TempDir()) /
        ("schedkit_data_dir_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(DataDirTest, EnvironmentOverrideWins) {
  const fs::path env = root_ / "mine";
  fs::create_directories(env);
  fs::create_directories(root_ / "share" / "schedkit" / "data");
  EXPECT_EQ(ResolveDataDir(env.c_str(), root_ / "bin" / "schedkit", "/src/data"), env);
}

TEST_F(DataDirTest, MissingEnvironmentDirectoryIsAnError) {
  const std::string missing = (root_ / "absent").string();
  EXPECT_EQ(ErrorOf([&] { ResolveDataDir(missing.c_str(), "", "/src/data"); }),
            "SCHEDKIT_DATA_DIR='" + missing + "' is not a directory (unset it to use the bundled data)");
}

TEST_F(DataDirTest, InstallLayoutBeforeSourceTree) {
  fs::create_directories(root_ / "bin");
  fs::create_directories(root_ / "share" / "schedkit" / "data");
  EXPECT_EQ(ResolveDataDir(nullptr, root_ / "bin" / "schedkit", "/src/data"),
            (root_ / "share" / "schedkit" / "data").lexically_normal());
  EXPECT_EQ(ResolveDataDir("", root_ / "bin" / "schedkit", "/src/data"),
            (root_ / "share" / "schedkit" / "data").lexically_normal());  // empty: unset
}

TEST_F(DataDirTest, SourceTreeWhenNothingElse) {
  EXPECT_EQ(ResolveDataDir(nullptr, root_ / "bin" / "schedkit", "/src/data"), fs::path("/src/data"));
  EXPECT_EQ(ResolveDataDir(nullptr, "", "/src/data"), fs::path("/src/data"));
}

TEST_F(DataDirTest, DataDirReadsTheEnvironment) {
  const char* old = std::getenv("SCHEDKIT_DATA_DIR");
  const std::string saved = old ? old : "";
  ::setenv("SCHEDKIT_DATA_DIR", root_.c_str(), 1);
  EXPECT_EQ(DataDir(), root_);
  const std::string missing = (root_ / "absent").string();
  ::setenv("SCHEDKIT_DATA_DIR", missing.c_str(), 1);
  EXPECT_NE(ErrorOf([] { DataDir(); }).find(missing), std::string::npos);
  if (old) {
    ::setenv("SCHEDKIT_DATA_DIR", saved.c_str(), 1);
  } else {
    ::unsetenv("SCHEDKIT_DATA_DIR");
  }
}

}  // namespace
}  // namespace schedkit::util
