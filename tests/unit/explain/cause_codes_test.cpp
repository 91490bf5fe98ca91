// Every cause code the explainers can emit is documented in docs/cause-codes.md.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CauseCodes, EveryEmittedCodeIsDocumented) {
  const std::filesystem::path root = WHYFAIL_SOURCE_DIR;
  std::string doc = slurp(root / "docs/cause-codes.md");
  ASSERT_FALSE(doc.empty());
  std::regex code(R"re("((?:path|exec|fd|net|mem|fs|priv|perf|io_uring|limit|check|manpage)\.[a-z0-9-]+)")re");
  int seen = 0;
  for (const auto& e : std::filesystem::directory_iterator(root / "src/explain")) {
    std::string src = slurp(e.path());
    for (std::sregex_iterator it(src.begin(), src.end(), code), end; it != end; ++it) {
      ++seen;
      std::string c = (*it)[1];
      EXPECT_NE(doc.find("`" + c + "`"), std::string::npos) << c << " (" << e.path().filename() << ") is not in docs/cause-codes.md";
    }
  }
  EXPECT_GT(seen, 50);
}

}  // namespace
