// What an injection rule's filters ask about a call, read from the stopped
// thread at its entry (docs/injection.md): comm and exe from /proc, the path
// argument from its memory, the stack for :caller= and :site=.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "inject/injector.h"
#include "trace/ptrace/syscall_regs.h"

namespace whyfail::trace::ptrace {

class EntryFacts final : public inject::CallFacts {
 public:
  // `stack` unwinds and symbolizes the thread's stack when a rule needs it:
  // function names innermost first, and the call-site key.
  using StackFacts = std::function<std::pair<std::vector<std::string>, std::string>()>;

  EntryFacts(pid_t tgid, pid_t tid, const SyscallRegs& regs, StackFacts stack)
      : tgid_(tgid), tid_(tid), regs_(regs), stack_(std::move(stack)) {}

  std::string comm() override;
  std::string exe() override;
  std::optional<std::string> path() override;
  std::vector<std::string> functions() override;
  std::string call_site() override;

 private:
  void unwind();

  pid_t tgid_;
  pid_t tid_;
  const SyscallRegs& regs_;
  StackFacts stack_;
  bool unwound_ = false;
  std::vector<std::string> functions_;
  std::string site_;
};

}  // namespace whyfail::trace::ptrace
