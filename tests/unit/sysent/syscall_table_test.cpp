// The table against the system's own view of x86_64 syscalls: the SYS_
// constants glibc compiles in, and the uapi header parsed independently of
// the generator script.
#include <sys/syscall.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "sysent/syscall_info.h"

namespace whyfail::sysent {
namespace {

struct Compiled {
  int table_nr;
  long sys_nr;
  const char* name;
};

// Each generated line compiled against <sys/syscall.h>: a name the header
// does not define fails the build, a wrong number fails the test.
const Compiled kCompiled[] = {
#define SYSCALL_NAME(nr, name) {nr, SYS_##name, #name},
#include "sysent/syscall_names_x86_64.inc"
#undef SYSCALL_NAME
};

TEST(SyscallTable, NumbersMatchSysSyscallH) {
  for (const auto& c : kCompiled) {
    EXPECT_EQ(c.table_nr, c.sys_nr) << c.name;
    const SyscallInfo* info = syscall_by_nr(static_cast<int>(c.sys_nr));
    ASSERT_NE(info, nullptr) << c.name;
    EXPECT_EQ(info->name, c.name);
  }
}

TEST(SyscallTable, EveryNrInTheUapiHeaderIsPresent) {
  std::ifstream in("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
  if (!in) GTEST_SKIP() << "uapi header not installed (linux-libc-dev)";
  std::regex define(R"(^#define\s+__NR_(\w+)\s+(\d+)\s*$)");
  std::string line;
  int seen = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, define)) continue;
    ++seen;
    int nr = std::stoi(m[2]);
    const SyscallInfo* by_nr = syscall_by_nr(nr);
    ASSERT_NE(by_nr, nullptr) << m[1];
    EXPECT_EQ(by_nr->name, m[1].str());
    const SyscallInfo* by_name = syscall_by_name(m[1].str());
    ASSERT_NE(by_name, nullptr) << m[1];
    EXPECT_EQ(by_name->nr, nr);
  }
  EXPECT_EQ(seen, static_cast<int>(all_syscalls().size()));
  EXPECT_GT(seen, 300);
}

TEST(SyscallTable, LookupsOfWellKnownCalls) {
  EXPECT_EQ(syscall_by_name("openat")->nr, SYS_openat);
  EXPECT_EQ(syscall_by_nr(SYS_read)->name, "read");
  EXPECT_EQ(syscall_by_nr(SYS_clone3)->name, "clone3");
  EXPECT_EQ(syscall_by_name("no_such_call"), nullptr);
  EXPECT_EQ(syscall_by_nr(-1), nullptr);
  EXPECT_EQ(syscall_by_nr(100000), nullptr);
  // 335..423 is a hole in the x86_64 numbering.
  EXPECT_EQ(syscall_by_nr(400), nullptr);
  EXPECT_GT(syscall_count(), SYS_openat2);
}

TEST(SyscallTable, AllSyscallsIsOrderedByNumber) {
  const auto& all = all_syscalls();
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].nr, all[i].nr);
}

TEST(SyscallSignatures, EveryDefNameIsARealSyscallOnce) {
  std::set<std::string_view> seen;
  for (auto name : signature_names()) {
    EXPECT_NE(syscall_by_name(name), nullptr) << name << " is not in the number table";
    EXPECT_TRUE(seen.insert(name).second) << name << " listed twice";
  }
  EXPECT_GE(seen.size(), 170u);
}

bool needs_len_arg(ArgType t) {
  switch (t) {
    case ArgType::BufIn:
    case ArgType::IovecIn:
    case ArgType::IovecOut:
    case ArgType::SockaddrIn:
    case ArgType::SockaddrOut:
    case ArgType::PollFds:
    case ArgType::SigsetIn:
      return true;
    default:
      return false;
  }
}

TEST(SyscallSignatures, ArgumentsAreConsistent) {
  int known = 0;
  for (const auto& info : all_syscalls()) {
    ASSERT_LE(info.nargs, 6) << info.name;
    if (!info.known_signature) continue;
    ++known;
    for (int i = 0; i < info.nargs; ++i) {
      const ArgInfo& a = info.args[static_cast<size_t>(i)];
      if (needs_len_arg(a.type)) {
        EXPECT_GE(a.len_arg, 0) << info.name << " arg " << i << " needs a length argument";
      }
      if (a.len_arg >= 0) {
        EXPECT_LT(a.len_arg, info.nargs) << info.name << " arg " << i;
        EXPECT_NE(a.len_arg, i) << info.name << " arg " << i;
        // The length argument is a number (or a socklen_t* for kernel-filled sockaddrs).
        ArgType lt = info.args[static_cast<size_t>(a.len_arg)].type;
        if (a.type == ArgType::SockaddrOut) {
          EXPECT_EQ(lt, ArgType::Ptr) << info.name;
        } else {
          EXPECT_TRUE(lt == ArgType::UInt || lt == ArgType::Int) << info.name << " arg " << i;
        }
      }
    }
  }
  EXPECT_GE(known, 170);
}

// Spot checks of ABI details that differ from the glibc prototypes.
TEST(SyscallSignatures, KernelAbiDetails) {
  const SyscallInfo* clone = syscall_by_name("clone");
  ASSERT_TRUE(clone->known_signature);
  EXPECT_EQ(clone->nargs, 5);
  EXPECT_EQ(clone->args[0].type, ArgType::CloneFlags);
  EXPECT_EQ(clone->args[4].type, ArgType::Hex);  // tls last on x86_64
  const SyscallInfo* sa = syscall_by_name("rt_sigaction");
  EXPECT_EQ(sa->nargs, 4);
  EXPECT_EQ(sa->args[3].type, ArgType::UInt);   // sigsetsize
  const SyscallInfo* mmap = syscall_by_name("mmap");
  EXPECT_EQ(mmap->nargs, 6);
  EXPECT_EQ(mmap->ret, RetType::Addr);
  EXPECT_EQ(syscall_by_name("faccessat")->nargs, 3);
  EXPECT_EQ(syscall_by_name("faccessat2")->nargs, 4);
  EXPECT_EQ(syscall_by_name("openat")->ret, RetType::Fd);
  EXPECT_EQ(syscall_by_name("exit_group")->ret, RetType::NoReturn);
  EXPECT_EQ(syscall_by_name("statx")->args[4].type, ArgType::StatxOut);
}

}  // namespace
}  // namespace whyfail::sysent
