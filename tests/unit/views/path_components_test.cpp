#include "views/path_components.h"

#include <gtest/gtest.h>

using namespace std::string_literals;
using whyfail::views::join_components;

TEST(PathComponents, LeafFirstBecomesAbsolute) {
  EXPECT_EQ(join_components("c\0b\0a\0"s, false), "/a/b/c");
  EXPECT_EQ(join_components(""s, false), "/");
  EXPECT_EQ(join_components("x\0"s, true), ".../x");
}
