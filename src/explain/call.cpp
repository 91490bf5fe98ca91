#include "explain/call.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "sysent/syscall_info.h"
#include "util/fd.h"

namespace whyfail::explain {

namespace {

// Names of the calls whyfail explains, used until (or when) the syscall
// table does not know the number.
const char* fallback_name(int nr) {
  switch (nr) {
#define N(x) case SYS_##x: return #x;
    N(read) N(write) N(open) N(close) N(stat) N(fstat) N(lstat) N(lseek) N(mmap) N(mprotect)
    N(munmap) N(brk) N(ioctl) N(pread64) N(pwrite64) N(readv) N(writev) N(access) N(pipe)
    N(mremap) N(dup) N(dup2) N(socket) N(connect) N(accept) N(sendto) N(recvfrom) N(bind)
    N(listen) N(execve) N(kill) N(fcntl) N(flock) N(fsync) N(truncate) N(ftruncate)
    N(getdents64) N(chdir) N(fchdir) N(rename) N(mkdir) N(rmdir) N(creat) N(link) N(unlink)
    N(symlink) N(readlink) N(chmod) N(fchmod) N(chown) N(fchown) N(lchown) N(ptrace)
    N(setuid) N(setgid) N(setreuid) N(setregid) N(setresuid) N(setresgid) N(setgroups)
    N(mknod) N(chroot) N(mount) N(umount2) N(mlock) N(munlock) N(mlockall) N(setrlimit)
    N(openat) N(mkdirat) N(mknodat) N(fchownat) N(newfstatat) N(unlinkat) N(renameat)
    N(linkat) N(symlinkat) N(readlinkat) N(fchmodat) N(faccessat) N(utimensat) N(dup3)
    N(perf_event_open) N(renameat2) N(bpf) N(execveat) N(mlock2) N(statx) N(io_uring_setup)
    N(openat2) N(faccessat2) N(accept4) N(sendmsg) N(recvmsg) N(tkill) N(tgkill)
    N(init_module) N(finit_module) N(delete_module) N(kexec_load) N(reboot) N(sethostname)
    N(setns) N(unshare) N(pidfd_open) N(sendfile) N(shutdown) N(getsockopt) N(setsockopt)
    N(pipe2) N(eventfd2) N(epoll_create1) N(inotify_init1) N(fdatasync) N(statfs) N(fstatfs) N(utime) N(utimes) N(inotify_add_watch)
#undef N
    default: return nullptr;
  }
}

}  // namespace

std::string syscall_name(int nr) {
  if (const auto* info = sysent::syscall_by_nr(nr)) return std::string(info->name);
  if (const char* n = fallback_name(nr)) return n;
  return "syscall_" + std::to_string(nr);
}

Call::Call(const trace::SyscallEvent& event, const ExplainContext& context, const ProcState& proc)
    : event_(event), context_(context), proc_(proc), err_(event.error()), name_(syscall_name(event.nr)) {}

std::optional<std::string> Call::read_memory(uint64_t addr, size_t len) const {
  if (!context_.live || addr == 0 || len == 0) return std::nullopt;
  UniqueFd mem(::open(proc_.proc_path("mem").c_str(), O_RDONLY | O_CLOEXEC));
  if (!mem.valid()) return std::nullopt;
  std::string out(len, '\0');
  ssize_t n = ::pread(mem.get(), out.data(), len, static_cast<off_t>(addr));
  if (n <= 0) return std::nullopt;
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Call::string_arg(int i, std::string* why) const {
  if (i < 0 || i >= 6) return std::nullopt;
  const auto& cap = event_.captured[static_cast<size_t>(i)];
  if (cap) {
    if (cap->fault) {
      if (why) *why = "the argument's address could not be read";
      return std::nullopt;
    }
    size_t nul = cap->bytes.find('\0');
    return nul == std::string::npos ? cap->bytes : cap->bytes.substr(0, nul);
  }
  if (!context_.live) {
    if (why) *why = "the argument was not captured and the process is no longer stopped at the call";
    return std::nullopt;
  }
  // Page-sized chunks so a string ending near an unmapped page still reads.
  std::string out;
  uint64_t addr = arg(i);
  while (out.size() < 4096 + 1) {
    size_t chunk = 4096 - (addr % 4096);
    auto part = read_memory(addr, chunk);
    if (!part) {
      if (out.empty()) {
        if (why) *why = "the argument could not be read from the process memory";
        return std::nullopt;
      }
      break;
    }
    size_t nul = part->find('\0');
    if (nul != std::string::npos) return out + part->substr(0, nul);
    out += *part;
    addr += part->size();
  }
  return out;
}

std::optional<std::string> Call::bytes_arg(int i, size_t len, std::string* why) const {
  if (i < 0 || i >= 6) return std::nullopt;
  const auto& cap = event_.captured[static_cast<size_t>(i)];
  if (cap && !cap->fault) return cap->bytes;
  if (cap && cap->fault) {
    if (why) *why = "the argument's address could not be read";
    return std::nullopt;
  }
  auto m = read_memory(arg(i), len);
  if (!m && why) *why = context_.live ? "the argument could not be read from the process memory"
                                     : "the argument was not captured and the process is no longer stopped at the call";
  return m;
}

void Call::finish(std::vector<Cause>& causes) const {
  if (context_.live) return;
  for (auto& c : causes) c.state_after_the_fact = true;
}

}  // namespace whyfail::explain
