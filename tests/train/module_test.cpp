#include <gtest/gtest.h>

namespace schedkit::train {
const char* ModuleName();
}

TEST(TrainModule, LinksIntoTheLibrary) { EXPECT_STREQ(schedkit::train::ModuleName(), "train"); }
