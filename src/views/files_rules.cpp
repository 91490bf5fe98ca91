#include "views/files_rules.h"

namespace whyfail::views {

namespace {
constexpr uint8_t N = WF_ARG_NONE;
// kind, fd1, fd2, path1, dfd1, path2, dfd2, open_how
constexpr FileRule kRules[] = {
    {0, "read", {WF_FK_FD, 0, N, N, N, N, N, N, 0, 0}, 'R'},
    {1, "write", {WF_FK_FD, 0, N, N, N, N, N, N, 0, 0}, 'W'},
    {2, "open", {WF_FK_OPEN, N, N, 0, N, N, N, N, 0, 0}, 'O'},
    {3, "close", {WF_FK_FD, 0, N, N, N, N, N, N, 1, 0}, 'C'},
    {9, "mmap", {WF_FK_MMAP, 4, N, N, N, N, N, N, 0, 0}, 'M'},
    {17, "pread64", {WF_FK_FD, 0, N, N, N, N, N, N, 0, 0}, 'R'},
    {18, "pwrite64", {WF_FK_FD, 0, N, N, N, N, N, N, 0, 0}, 'W'},
    {19, "readv", {WF_FK_FD, 0, N, N, N, N, N, N, 0, 0}, 'R'},
    {20, "writev", {WF_FK_FD, 0, N, N, N, N, N, N, 0, 0}, 'W'},
    {40, "sendfile", {WF_FK_FD, 1, 0, N, N, N, N, N, 0, 0}, 'R'},  // in_fd first: its path is the one read
    {74, "fsync", {WF_FK_FD, 0, N, N, N, N, N, N, 0, 0}, 'S'},
    {75, "fdatasync", {WF_FK_FD, 0, N, N, N, N, N, N, 0, 0}, 'S'},
    {76, "truncate", {WF_FK_PATH, N, N, 0, N, N, N, N, 0, 0}, 'T'},
    {77, "ftruncate", {WF_FK_FD, 0, N, N, N, N, N, N, 0, 0}, 'T'},
    {82, "rename", {WF_FK_PATH, N, N, 0, N, 1, N, N, 0, 1}, '<'},
    {85, "creat", {WF_FK_OPEN, N, N, 0, N, N, N, N, 0, 0}, 'O'},
    {87, "unlink", {WF_FK_PATH, N, N, 0, N, N, N, N, 0, 0}, 'D'},
    {257, "openat", {WF_FK_OPEN, N, N, 1, 0, N, N, N, 0, 0}, 'O'},
    {263, "unlinkat", {WF_FK_PATH, N, N, 1, 0, N, N, N, 0, 0}, 'D'},
    {264, "renameat", {WF_FK_PATH, N, N, 1, 0, 3, 2, N, 0, 1}, '<'},
    {295, "preadv", {WF_FK_FD, 0, N, N, N, N, N, N, 0, 0}, 'R'},
    {296, "pwritev", {WF_FK_FD, 0, N, N, N, N, N, N, 0, 0}, 'W'},
    {316, "renameat2", {WF_FK_PATH, N, N, 1, 0, 3, 2, N, 0, 1}, '<'},
    {326, "copy_file_range", {WF_FK_FD, 0, 2, N, N, N, N, N, 0, 0}, 'R'},
    {437, "openat2", {WF_FK_OPEN, N, N, 1, 0, N, N, 2, 0, 0}, 'O'},
};
}  // namespace

// Calls files does not show but must hear of: when one succeeds, a path the
// kernel side has cached for a (dentry, mount) may have changed (files.bpf.c).
constexpr uint32_t kPathMovers[] = {
    155,  // pivot_root
    165,  // mount (MS_MOVE among others)
    166,  // umount2
    429,  // move_mount
};

std::span<const FileRule> file_rules() { return kRules; }

std::span<const uint32_t> path_moving_syscalls() { return kPathMovers; }

const FileRule* file_rule(uint32_t nr) {
  for (const FileRule& r : kRules)
    if (r.nr == nr) return &r;
  return nullptr;
}

}  // namespace whyfail::views
