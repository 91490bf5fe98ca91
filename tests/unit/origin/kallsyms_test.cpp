#include "symbolize/kallsyms.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

using namespace whyfail::symbolize;

TEST(Kallsyms, LooksUpFunctionPlusOffset) {
  auto k = Kallsyms::from({{0x1000, "a", "", 't'}, {0x2000, "b", "", 'T'}, {0x3000, "c", "mod", 't'}});
  auto r = k.lookup(0x2010);
  ASSERT_NE(r.symbol, nullptr);
  EXPECT_EQ(r.to_string(0x2010), "b+0x10");
  EXPECT_EQ(k.lookup(0x3000).to_string(0x3000), "c [mod]");
  EXPECT_EQ(k.lookup(0x10).symbol, nullptr);
  EXPECT_EQ(k.addresses("b"), (std::vector<uint64_t>{0x2000}));
}

TEST(Kallsyms, ParsesTheProcFormat) {
  char path[] = "/tmp/kallsyms-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "ffffffff81000000 T _text\n"
                         "ffffffff81000100 t foo\n"
                         "ffffffff81000200 D some_data\n"
                         "ffffffffc0000000 t bar\t[ext4]\n";
  auto k = Kallsyms::load(path);
  unlink(path);
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_EQ(k->text_base(), 0xffffffff81000000ull);
  EXPECT_EQ(k->lookup(0xffffffff81000150).to_string(0xffffffff81000150), "foo+0x50");
  EXPECT_EQ(k->lookup(0xffffffffc0000004).to_string(0xffffffffc0000004), "bar+0x4 [ext4]");
}

TEST(Kallsyms, AllZeroAddressesAreRefused) {
  char path[] = "/tmp/kallsyms-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "0000000000000000 T _text\n0000000000000000 t foo\n";
  auto k = Kallsyms::load(path);
  unlink(path);
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().hint.find("kptr_restrict"), std::string::npos);
}
