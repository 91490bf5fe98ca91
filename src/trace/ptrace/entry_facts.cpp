#include "trace/ptrace/entry_facts.h"

#include <unistd.h>

#include <fstream>

#include "sysent/syscall_info.h"
#include "trace/ptrace/tracee_memory.h"

namespace whyfail::trace::ptrace {

std::string EntryFacts::comm() {
  std::ifstream in("/proc/" + std::to_string(tgid_) + "/comm");
  std::string line;
  std::getline(in, line);
  return line;
}

std::string EntryFacts::exe() {
  char buf[4096];
  std::string link = "/proc/" + std::to_string(tgid_) + "/exe";
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

std::optional<std::string> EntryFacts::path() {
  const sysent::SyscallInfo* info = sysent::syscall_by_nr(regs_.nr);
  if (!info) return std::nullopt;
  for (std::size_t i = 0; i < info->nargs && i < regs_.args.size(); ++i) {
    if (info->args[i].type != sysent::ArgType::Path) continue;
    CapturedBytes bytes = TraceeMemory(tid_).read_string(regs_.args[i], 4096);
    if (bytes.fault) return std::nullopt;
    return bytes.bytes;
  }
  return std::nullopt;
}

void EntryFacts::unwind() {
  if (unwound_) return;
  unwound_ = true;
  if (!stack_) return;
  auto [functions, site] = stack_();
  functions_ = std::move(functions);
  site_ = std::move(site);
}

std::vector<std::string> EntryFacts::functions() {
  unwind();
  return functions_;
}

std::string EntryFacts::call_site() {
  unwind();
  return site_;
}

}  // namespace whyfail::trace::ptrace
