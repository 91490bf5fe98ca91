// Signal names, numbered as the kernel numbers them: real-time signals
// start at 32 (glibc's SIGRTMIN is 34 because it reserves two for itself).
#include <signal.h>

#include <array>
#include <string>
#include <string_view>

#include "decode/decoder.h"

namespace whyfail::decode {

namespace {

struct SignalName {
  int signo;
  std::string_view name;
};

#define S(x) SignalName{x, #x}

// SIGIOT == SIGABRT and SIGPOLL == SIGIO follow their primary names.
const std::array kSignals = {
    S(SIGHUP),  S(SIGINT),  S(SIGQUIT), S(SIGILL),  S(SIGTRAP), S(SIGABRT), S(SIGIOT),
    S(SIGBUS),  S(SIGFPE),  S(SIGKILL), S(SIGUSR1), S(SIGSEGV), S(SIGUSR2), S(SIGPIPE),
    S(SIGALRM), S(SIGTERM), S(SIGSTKFLT), S(SIGCHLD), S(SIGCONT), S(SIGSTOP), S(SIGTSTP),
    S(SIGTTIN), S(SIGTTOU), S(SIGURG), S(SIGXCPU), S(SIGXFSZ), S(SIGVTALRM), S(SIGPROF),
    S(SIGWINCH), S(SIGIO), S(SIGPOLL), S(SIGPWR), S(SIGSYS),
};

#undef S

constexpr int kKernelRtMin = 32;
constexpr int kKernelRtMax = 64;  // _NSIG

}  // namespace

std::string signal_name(int signo) {
  for (const auto& s : kSignals)
    if (s.signo == signo) return std::string(s.name);
  if (signo == kKernelRtMin) return "SIGRTMIN";
  if (signo > kKernelRtMin && signo <= kKernelRtMax)
    return "SIGRTMIN+" + std::to_string(signo - kKernelRtMin);
  return "SIG" + std::to_string(signo);
}

int signal_by_name(const std::string& name) {
  std::string full = name.rfind("SIG", 0) == 0 ? name : "SIG" + name;
  for (const auto& s : kSignals)
    if (s.name == full) return s.signo;
  if (full == "SIGRTMIN") return kKernelRtMin;
  if (full == "SIGRTMAX") return kKernelRtMax;
  if (full.rfind("SIGRTMIN+", 0) == 0) {
    try {
      int n = std::stoi(full.substr(9));
      if (n > 0 && kKernelRtMin + n <= kKernelRtMax) return kKernelRtMin + n;
    } catch (...) {
    }
  }
  return -1;
}

}  // namespace whyfail::decode
