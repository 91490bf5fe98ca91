// Argument counts in the signatures file against the SYNOPSIS of the man
// pages installed on this machine (manpages-dev). Where the kernel ABI and
// the documented glibc prototype differ, the kernel wins and the difference
// is listed below with its reason.
#include <algorithm>
#include <cstdio>
#include <map>
#include <zlib.h>

#include <cctype>
#include <string>

#include <gtest/gtest.h>

#include "sysent/syscall_info.h"

namespace whyfail::sysent {
namespace {

// name -> argument count the man page's prototype shows, when it is not the
// kernel's. Each one is stated in the page's NOTES ("C library/kernel differences").
const std::map<std::string, int> kGlibcDiffers = {
    {"clone", 7},         // glibc wrapper takes fn/arg; raw syscall: flags, stack, ptid, ctid, tls
    {"epoll_pwait", 5},   // kernel adds sigsetsize
    {"epoll_pwait2", 5},  // kernel adds sigsetsize
    {"ppoll", 4},         // kernel adds sigsetsize
    {"eventfd", 2},       // glibc's eventfd() calls eventfd2; eventfd(2) has no flags
    {"faccessat", 4},     // kernel faccessat has no flags (faccessat2 does)
    {"fchmodat", 4},      // kernel fchmodat has no flags
    {"getcpu", 2},        // kernel keeps the unused tcache argument
    {"open", 2},          // mode is optional in C, always a register in the kernel
    {"openat", 3},        // same
    {"mq_open", 2},       // same, plus attr
    {"preadv2", 5},       // kernel splits offset into pos_l, pos_h
    {"pwritev2", 5},      // same
    {"reboot", 1},        // kernel takes magic, magic2, cmd, arg
    {"waitid", 4},        // kernel adds rusage
    {"fcntl", 3},         // varargs in C: "fd, cmd, ..." counts as 3
    {"ioctl", 3},         // same
    {"mremap", 5},        // same
    {"semctl", 4},        // same
};

std::string read_man_page(const std::string& name, int depth = 0) {
  if (depth > 3) return {};
  std::string path = "/usr/share/man/man2/" + name + ".2.gz";
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return {};
  std::string text;
  char buf[16384];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  gzclose(f);
  // ".so man2/other.2": the page is an alias.
  if (text.rfind(".so man2/", 0) == 0) {
    auto end = text.find(".2", 9);
    if (end != std::string::npos) return read_man_page(text.substr(9, end - 9), depth + 1);
  }
  return text;
}

// The SYNOPSIS with roff font escapes, quotes and macros removed.
std::string plain_synopsis(const std::string& page) {
  auto start = page.find(".SH SYNOPSIS");
  auto end = page.find(".SH DESCRIPTION");
  if (start == std::string::npos || end == std::string::npos || end < start) return {};
  std::string out;
  for (size_t i = start; i < end; ++i) {
    char c = page[i];
    if (c == '\\' && i + 2 < end && page[i + 1] == 'f') {
      i += 2;  // \fB \fI \fR \fP
      continue;
    }
    if (c == '"' || c == '\n') c = ' ';
    out += c;
  }
  return out;
}

bool is_ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Number of parameters in the prototype of `name` ("name(" or "SYS_name,"), or -1.
int documented_args(const std::string& name, const std::string& page) {
  std::string syn = plain_synopsis(page);
  size_t params_at = std::string::npos;
  for (size_t pos = 0; (pos = syn.find(name, pos)) != std::string::npos; pos += name.size()) {
    if (pos > 0 && is_ident(syn[pos - 1])) continue;
    size_t after = pos + name.size();
    while (after < syn.size() && syn[after] == ' ') ++after;
    if (after < syn.size() && syn[after] == '(' && (pos < 4 || syn.compare(pos - 4, 4, "SYS_") != 0)) {
      params_at = after + 1;
      break;
    }
    if (pos >= 4 && syn.compare(pos - 4, 4, "SYS_") == 0 && after < syn.size() && syn[after] == ',') {
      params_at = after + 1;
      break;
    }
  }
  if (params_at == std::string::npos) return -1;
  auto close = syn.find(");", params_at);
  if (close == std::string::npos) return -1;
  std::string params = syn.substr(params_at, close - params_at);
  // Function-pointer parameters hold parentheses: count commas at depth 0 only.
  int depth = 0, commas = 0;
  bool any = false;
  for (char c : params) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) ++commas;
    if (is_ident(c) || c == '*' || c == '.') any = true;
  }
  std::string trimmed = params;
  trimmed.erase(std::remove(trimmed.begin(), trimmed.end(), ' '), trimmed.end());
  if (!any || trimmed == "void") return 0;
  return commas + 1;
}

TEST(SyscallSignatures, ArgumentCountsMatchManPages) {
  if (read_man_page("read").empty()) GTEST_SKIP() << "manpages-dev not installed";
  int compared = 0;
  for (const auto& info : all_syscalls()) {
    if (!info.known_signature) continue;
    std::string name(info.name);
    int documented = documented_args(name, read_man_page(name));
    if (documented < 0) continue;  // no page, or the page documents only a wrapper
    ++compared;
    auto differs = kGlibcDiffers.find(name);
    if (differs != kGlibcDiffers.end()) {
      EXPECT_EQ(documented, differs->second) << name << ": the man page changed; recheck the signature";
      continue;
    }
    EXPECT_EQ(info.nargs, documented) << name;
  }
  EXPECT_GT(compared, 150);
}

}  // namespace
}  // namespace whyfail::sysent
