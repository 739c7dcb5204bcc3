#include <gtest/gtest.h>

namespace schedkit::diffusion {
const char* ModuleName();
}

TEST(DiffusionModule, LinksIntoTheLibrary) { EXPECT_STREQ(schedkit::diffusion::ModuleName(), "diffusion"); }
