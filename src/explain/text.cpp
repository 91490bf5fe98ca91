#include "explain/text.h"

#include <grp.h>
#include <pwd.h>

#include <cstdio>
#include <vector>

namespace whyfail::explain {

std::string escape(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        }
    }
  }
  return out;
}

std::string quote(std::string_view bytes) { return "\"" + escape(bytes) + "\""; }

std::string octal_mode(mode_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

std::string file_type(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return "regular file";
    case S_IFDIR: return "directory";
    case S_IFLNK: return "symlink";
    case S_IFCHR: return "character device";
    case S_IFBLK: return "block device";
    case S_IFIFO: return "FIFO";
    case S_IFSOCK: return "socket";
    default: return "file of unknown type";
  }
}

// Names come from whyfail's own user database; the number is what the kernel
// compares, so it is always shown.
std::string user_name(uid_t uid) {
  std::vector<char> buf(4096);
  passwd pw{};
  passwd* res = nullptr;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &res) == 0 && res)
    return escape(res->pw_name) + "(" + std::to_string(uid) + ")";
  return std::to_string(uid);
}

std::string group_name(gid_t gid) {
  std::vector<char> buf(4096);
  group gr{};
  group* res = nullptr;
  if (::getgrgid_r(gid, &gr, buf.data(), buf.size(), &res) == 0 && res)
    return escape(res->gr_name) + "(" + std::to_string(gid) + ")";
  return std::to_string(gid);
}

std::string describe_inode(const struct stat& st) {
  return file_type(st.st_mode) + ", mode " + octal_mode(st.st_mode) + ", owner " +
         user_name(st.st_uid) + ", group " + group_name(st.st_gid);
}

Cause make_cause(std::string code, std::string text, std::string fix) {
  Cause c;
  c.code = std::move(code);
  c.text = std::move(text);
  c.fix = std::move(fix);
  return c;
}

}  // namespace whyfail::explain
