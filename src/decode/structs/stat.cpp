#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdio>
#include <cstring>

#include "decode/structs/structs.h"
#include "decode/xlat/flags.h"

namespace whyfail::decode::structs {

namespace {

template <typename T>
bool load(std::string_view bytes, T& out) {
  if (bytes.size() < sizeof out) return false;
  std::memcpy(&out, bytes.data(), sizeof out);
  return true;
}

Value truncated_struct() {
  Value v;
  v.kind = Value::Kind::Struct;
  v.truncated = true;
  return v;
}

bool is_device(uint64_t mode) { return S_ISCHR(mode) || S_ISBLK(mode); }

}  // namespace

Value makedev(uint64_t major, uint64_t minor) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "makedev(%#llx, %#llx)", static_cast<unsigned long long>(major),
                static_cast<unsigned long long>(minor));
  return Value::make_symbol(buf);
}

// x86_64's struct stat is the kernel's struct stat (no separate stat64), so
// the glibc definition describes the captured bytes exactly.
Value stat(std::string_view bytes) {
  struct ::stat st;
  if (!load(bytes, st)) return truncated_struct();
  Value v;
  v.kind = Value::Kind::Struct;
  auto& f = v.fields;
  f.emplace_back("st_dev", makedev(major(st.st_dev), minor(st.st_dev)));
  f.emplace_back("st_ino", Value::make_uint(st.st_ino));
  f.emplace_back("st_mode", xlat::file_mode(st.st_mode));
  f.emplace_back("st_nlink", Value::make_uint(st.st_nlink));
  f.emplace_back("st_uid", Value::make_uint(st.st_uid));
  f.emplace_back("st_gid", Value::make_uint(st.st_gid));
  f.emplace_back("st_blksize", Value::make_int(st.st_blksize));
  f.emplace_back("st_blocks", Value::make_int(st.st_blocks));
  if (is_device(st.st_mode))
    f.emplace_back("st_rdev", makedev(major(st.st_rdev), minor(st.st_rdev)));
  else
    f.emplace_back("st_size", Value::make_int(st.st_size));
  f.emplace_back("st_atime", Value::make_int(st.st_atim.tv_sec));
  f.emplace_back("st_mtime", Value::make_int(st.st_mtim.tv_sec));
  f.emplace_back("st_ctime", Value::make_int(st.st_ctim.tv_sec));
  return v;
}

Value statx(std::string_view bytes) {
  struct ::statx stx;
  if (!load(bytes, stx)) return truncated_struct();
  Value v;
  v.kind = Value::Kind::Struct;
  auto& f = v.fields;
  // Only fields the kernel says it filled (stx_mask) are meaningful.
  f.emplace_back("stx_mask", xlat::statx_mask(stx.stx_mask));
  f.emplace_back("stx_blksize", Value::make_uint(stx.stx_blksize));
  f.emplace_back("stx_attributes", xlat::statx_attributes(stx.stx_attributes));
  if (stx.stx_mask & STATX_NLINK) f.emplace_back("stx_nlink", Value::make_uint(stx.stx_nlink));
  if (stx.stx_mask & STATX_UID) f.emplace_back("stx_uid", Value::make_uint(stx.stx_uid));
  if (stx.stx_mask & STATX_GID) f.emplace_back("stx_gid", Value::make_uint(stx.stx_gid));
  if (stx.stx_mask & (STATX_TYPE | STATX_MODE)) f.emplace_back("stx_mode", xlat::file_mode(stx.stx_mode));
  if (stx.stx_mask & STATX_INO) f.emplace_back("stx_ino", Value::make_uint(stx.stx_ino));
  if (stx.stx_mask & STATX_SIZE) f.emplace_back("stx_size", Value::make_uint(stx.stx_size));
  if (stx.stx_mask & STATX_BLOCKS) f.emplace_back("stx_blocks", Value::make_uint(stx.stx_blocks));
  f.emplace_back("stx_attributes_mask", xlat::statx_attributes(stx.stx_attributes_mask));
  if (stx.stx_mask & STATX_ATIME) f.emplace_back("stx_atime", Value::make_int(stx.stx_atime.tv_sec));
  if (stx.stx_mask & STATX_BTIME) f.emplace_back("stx_btime", Value::make_int(stx.stx_btime.tv_sec));
  if (stx.stx_mask & STATX_CTIME) f.emplace_back("stx_ctime", Value::make_int(stx.stx_ctime.tv_sec));
  if (stx.stx_mask & STATX_MTIME) f.emplace_back("stx_mtime", Value::make_int(stx.stx_mtime.tv_sec));
  if (is_device(stx.stx_mode)) f.emplace_back("stx_rdev", makedev(stx.stx_rdev_major, stx.stx_rdev_minor));
  f.emplace_back("stx_dev", makedev(stx.stx_dev_major, stx.stx_dev_minor));
  return v;
}

}  // namespace whyfail::decode::structs
