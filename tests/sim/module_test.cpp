#include <gtest/gtest.h>

namespace schedkit::sim {
const char* ModuleName();
}

TEST(SimModule, LinksIntoTheLibrary) { EXPECT_STREQ(schedkit::sim::ModuleName(), "sim"); }
