#include "report/escape.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

namespace whyfail::report {
namespace {

bool has_control(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

TEST(EscapeC, EveryByteAloneYieldsNoControlCharacter) {
  for (int b = 0; b < 256; ++b) {
    std::string in(1, static_cast<char>(b));
    std::string out = escape_c(in);
    EXPECT_FALSE(has_control(out)) << "byte " << b;
    for (unsigned char c : out) EXPECT_LT(c, 0x80) << "byte " << b << " left non-ASCII output";
  }
}

TEST(EscapeC, AllBytesTogetherStayPrintableAndDecodable) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  std::string out = escape_c(all);
  EXPECT_FALSE(has_control(out));
  // Every printable ASCII byte other than quote and backslash passes through as is.
  for (int b = 0x20; b < 0x7f; ++b) {
    if (b == '"' || b == '\\') continue;
    EXPECT_NE(out.find(static_cast<char>(b)), std::string::npos);
  }
}

TEST(EscapeC, StraceConventions) {
  EXPECT_EQ(escape_c("a\nb\t\"c\"\\"), "a\\nb\\t\\\"c\\\"\\\\");
  EXPECT_EQ(escape_c(std::string("\x00\x1b\xff", 3)), "\\x00\\x1b\\xff");
}

TEST(StripControls, KeepsEscapedTextReplacesControls) {
  EXPECT_EQ(strip_controls("dir \"a\\xff\" missing"), "dir \"a\\xff\" missing");
  EXPECT_EQ(strip_controls("a\nb\x1b"), "a\\x0ab\\x1b");
}

TEST(Utf8, ValidityMatchesTheStandard) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));           // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));       // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));   // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));           // cut short
  EXPECT_FALSE(is_valid_utf8("\xff"));
}

// Whatever the bytes, the escaped text is valid UTF-8 that nlohmann::json accepts,
// and unescaping it gives the bytes back.
TEST(EscapeNonUtf8, RandomBytesAlwaysMakeValidJsonAndRoundTrip) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 64);
  for (int round = 0; round < 5000; ++round) {
    std::string in;
    const int n = len(rng);
    for (int k = 0; k < n; ++k) in += static_cast<char>(byte(rng));
    const std::string text = escape_non_utf8(in);
    EXPECT_TRUE(is_valid_utf8(text));
    nlohmann::json j = text;
    const std::string dumped = j.dump();   // throws on invalid UTF-8
    EXPECT_EQ(nlohmann::json::parse(dumped).get<std::string>(), text);
    EXPECT_EQ(unescape_non_utf8(text), in);
  }
}

TEST(EscapeNonUtf8, ValidPartsPassThrough) {
  const std::string in = "caf\xc3\xa9\xff/x";
  EXPECT_EQ(escape_non_utf8(in), "caf\xc3\xa9\\xff/x");
  EXPECT_EQ(escape_non_utf8("a\\b\x80"), "a\\\\b\\x80");
}

}  // namespace
}  // namespace whyfail::report
