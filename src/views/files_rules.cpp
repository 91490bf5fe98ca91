#include "views/files_rules.h"

namespace whyfail::views {

namespace {
constexpr uint8_t N = WF_ARG_NONE;
// kind, fd1, fd2, path1, dfd1, path2, dfd2, open_how
constexpr FileRule kRules[] = {
    {0, "read", {WF_FK_FD, 0, N, N, N, N, N, N}, 'R'},
    {1, "write", {WF_FK_FD, 0, N, N, N, N, N, N}, 'W'},
    {2, "open", {WF_FK_OPEN, N, N, 0, N, N, N, N}, 'O'},
    {3, "close", {WF_FK_FD, 0, N, N, N, N, N, N}, 'C'},
    {9, "mmap", {WF_FK_MMAP, 4, N, N, N, N, N, N}, 'M'},
    {17, "pread64", {WF_FK_FD, 0, N, N, N, N, N, N}, 'R'},
    {18, "pwrite64", {WF_FK_FD, 0, N, N, N, N, N, N}, 'W'},
    {19, "readv", {WF_FK_FD, 0, N, N, N, N, N, N}, 'R'},
    {20, "writev", {WF_FK_FD, 0, N, N, N, N, N, N}, 'W'},
    {40, "sendfile", {WF_FK_FD, 1, 0, N, N, N, N, N}, 'R'},  // in_fd first: its path is the one read
    {74, "fsync", {WF_FK_FD, 0, N, N, N, N, N, N}, 'S'},
    {75, "fdatasync", {WF_FK_FD, 0, N, N, N, N, N, N}, 'S'},
    {76, "truncate", {WF_FK_PATH, N, N, 0, N, N, N, N}, 'T'},
    {77, "ftruncate", {WF_FK_FD, 0, N, N, N, N, N, N}, 'T'},
    {82, "rename", {WF_FK_PATH, N, N, 0, N, 1, N, N}, '<'},
    {85, "creat", {WF_FK_OPEN, N, N, 0, N, N, N, N}, 'O'},
    {87, "unlink", {WF_FK_PATH, N, N, 0, N, N, N, N}, 'D'},
    {257, "openat", {WF_FK_OPEN, N, N, 1, 0, N, N, N}, 'O'},
    {263, "unlinkat", {WF_FK_PATH, N, N, 1, 0, N, N, N}, 'D'},
    {264, "renameat", {WF_FK_PATH, N, N, 1, 0, 3, 2, N}, '<'},
    {295, "preadv", {WF_FK_FD, 0, N, N, N, N, N, N}, 'R'},
    {296, "pwritev", {WF_FK_FD, 0, N, N, N, N, N, N}, 'W'},
    {316, "renameat2", {WF_FK_PATH, N, N, 1, 0, 3, 2, N}, '<'},
    {326, "copy_file_range", {WF_FK_FD, 0, 2, N, N, N, N, N}, 'R'},
    {437, "openat2", {WF_FK_OPEN, N, N, 1, 0, N, N, 2}, 'O'},
};
}  // namespace

std::span<const FileRule> file_rules() { return kRules; }

const FileRule* file_rule(uint32_t nr) {
  for (const FileRule& r : kRules)
    if (r.nr == nr) return &r;
  return nullptr;
}

}  // namespace whyfail::views
