// Memory calls with bad arguments or over a limit.
#include <sys/mman.h>
#include <sys/resource.h>

#include "test_support.h"

namespace whyfail::explain {
namespace {

TEST(Memory, MmapUnalignedFixedAddress) {
  const uint64_t addr = 0x10001001;
  int64_t r = test::raw(::syscall(SYS_mmap, addr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
  ASSERT_EQ(r, -EINVAL);
  auto ev = test::make_event(::getpid(), SYS_mmap,
                             {addr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                              static_cast<uint64_t>(-1), 0}, r);
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "mem.unaligned-address");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("0x10001001"), std::string::npos);
  EXPECT_NE(c->text.find(std::to_string(::sysconf(_SC_PAGESIZE))), std::string::npos);
}

TEST(Memory, MmapWithoutSharedOrPrivate) {
  int64_t r = test::raw(::syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0));
  ASSERT_EQ(r, -EINVAL);
  auto ev = test::make_event(::getpid(), SYS_mmap, {0, 4096, PROT_READ, MAP_ANONYMOUS, static_cast<uint64_t>(-1), 0}, r);
  auto ex = test::explain_live(ev);
  ASSERT_NE(test::find_cause(ex, "mem.map-type-missing"), nullptr) << test::dump(ex);
}

TEST(Memory, MlockOverRlimitMemlockAsNobody) {
  SKIP_UNLESS_ROOT();
  const size_t len = 1 << 20;
  void* buf = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(buf, MAP_FAILED);
  test::Child child([&] {
    struct rlimit rl {65536, 65536};
    if (::setrlimit(RLIMIT_MEMLOCK, &rl) != 0 || !test::become_nobody()) return int64_t{-9999};
    return test::raw(::syscall(SYS_mlock, buf, len));
  });
  ::munmap(buf, len);
  ASSERT_TRUE(child.ret() == -ENOMEM || child.ret() == -EPERM) << child.ret();
  auto ev = test::make_event(child.pid(), SYS_mlock, {test::ptr(buf), len}, child.ret());
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "mem.rlimit-memlock");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find("65536"), std::string::npos) << c->text;
}

TEST(Memory, MmapOverRlimitAs) {
  const uint64_t len = 1ULL << 32;
  test::Child child([&] {
    struct rlimit rl {1ULL << 30, 1ULL << 30};
    if (::setrlimit(RLIMIT_AS, &rl) != 0) return int64_t{-9999};
    return test::raw(::syscall(SYS_mmap, 0, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  });
  ASSERT_EQ(child.ret(), -ENOMEM);
  auto ev = test::make_event(child.pid(), SYS_mmap, {0, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
                                                     static_cast<uint64_t>(-1), 0}, child.ret());
  auto ex = test::explain_live(ev);
  const Cause* c = test::find_cause(ex, "mem.rlimit-as");
  ASSERT_NE(c, nullptr) << test::dump(ex);
  EXPECT_NE(c->text.find(std::to_string(1ULL << 30)), std::string::npos) << c->text;
}

}  // namespace
}  // namespace whyfail::explain
