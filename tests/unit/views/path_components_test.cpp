#include "views/path_components.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace std::string_literals;
using whyfail::views::join_components;

TEST(PathComponents, LeafFirstBecomesAbsolute) {
  EXPECT_EQ(join_components("c\0b\0a\0"s, false), "/a/b/c");
  EXPECT_EQ(join_components(""s, false), "/");
  EXPECT_EQ(join_components("x\0"s, true), ".../x");
}

// The components split at each NUL, the final NUL ending the last one (as
// the BPF walk writes them), joined root first: the straightforward reading,
// checked against join_components on every string of up to 6 bytes over
// {a, b, NUL}.
static std::string split_and_reverse(std::string_view s, bool truncated) {
  std::vector<std::string> parts;
  while (!s.empty()) {
    std::size_t nul = s.find('\0');
    if (nul == std::string_view::npos) nul = s.size();
    parts.emplace_back(s.substr(0, nul));
    s.remove_prefix(std::min(s.size(), nul + 1));
  }
  std::string out = truncated ? "..." : "";
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += "/" + *it;
  if (out.empty() || out == "...") out += '/';
  return out;
}

TEST(PathComponents, EmptyAndUnterminatedComponentsAsSplit) {
  EXPECT_EQ(join_components("a\0\0"s, false), "//a");
  EXPECT_EQ(join_components("b\0a"s, false), "/a/b");
  EXPECT_EQ(join_components("\0"s, false), "/");
  const char alphabet[] = {'a', 'b', '\0'};
  for (int len = 0; len <= 6; ++len) {
    int combos = 1;
    for (int i = 0; i < len; ++i) combos *= 3;
    for (int c = 0; c < combos; ++c) {
      std::string s;
      for (int i = 0, v = c; i < len; ++i, v /= 3) s += alphabet[v % 3];
      for (bool t : {false, true}) ASSERT_EQ(join_components(s, t), split_and_reverse(s, t)) << len << " " << c;
    }
  }
}
