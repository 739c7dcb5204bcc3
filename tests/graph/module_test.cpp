#include <gtest/gtest.h>

namespace schedkit::graph {
const char* ModuleName();
}

TEST(GraphModule, LinksIntoTheLibrary) { EXPECT_STREQ(schedkit::graph::ModuleName(), "graph"); }
