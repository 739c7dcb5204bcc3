#include <gtest/gtest.h>

namespace schedkit::serve {
const char* ModuleName();
}

TEST(ServeModule, LinksIntoTheLibrary) { EXPECT_STREQ(schedkit::serve::ModuleName(), "serve"); }
