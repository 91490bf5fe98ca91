// File modes: permission bits in octal, with the S_IF* type named when the
// caller passes one (mknod, and st_mode in struct stat).
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "decode/xlat/flags.h"

namespace whyfail::decode::xlat {

namespace {

const char* type_name(uint64_t type) {
  switch (type) {
    case S_IFREG: return "S_IFREG";
    case S_IFDIR: return "S_IFDIR";
    case S_IFCHR: return "S_IFCHR";
    case S_IFBLK: return "S_IFBLK";
    case S_IFIFO: return "S_IFIFO";
    case S_IFLNK: return "S_IFLNK";
    case S_IFSOCK: return "S_IFSOCK";
  }
  return nullptr;
}

}  // namespace

Value file_mode(uint64_t mode) {
  uint64_t type = mode & S_IFMT;
  if (type == 0) return Value::make_octal(mode);
  const char* name = type_name(type);
  char perm[32];
  std::snprintf(perm, sizeof perm, "%#03llo", static_cast<unsigned long long>(mode & ~static_cast<uint64_t>(S_IFMT)));
  std::string out = name ? name : "";
  if (!name) {
    char t[32];
    std::snprintf(t, sizeof t, "%#llo", static_cast<unsigned long long>(type));
    out = t;
  }
  return Value::make_symbol(out + "|" + perm);
}

}  // namespace whyfail::decode::xlat
