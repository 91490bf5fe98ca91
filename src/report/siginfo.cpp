#include "report/siginfo.h"

#include <csignal>

namespace whyfail::report {

namespace {

// Codes every signal can carry (<asm-generic/siginfo.h>).
const char* generic_code(int code) {
  switch (code) {
    case 0: return "SI_USER";
    case 0x80: return "SI_KERNEL";
    case -1: return "SI_QUEUE";
    case -2: return "SI_TIMER";
    case -3: return "SI_MESGQ";
    case -4: return "SI_ASYNCIO";
    case -5: return "SI_SIGIO";
    case -6: return "SI_TKILL";
    case -7: return "SI_DETHREAD";
    case -60: return "SI_ASYNCNL";
  }
  return nullptr;
}

// Codes only meaningful for one signal (positive values).
const char* signal_specific_code(int signo, int code) {
  switch (signo) {
    case SIGSEGV: {
      static const char* const k[] = {nullptr, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR",
                                      "SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR",
                                      "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR",
                                      "SEGV_CPERR"};
      return code > 0 && code < static_cast<int>(std::size(k)) ? k[code] : nullptr;
    }
    case SIGBUS: {
      static const char* const k[] = {nullptr, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR",
                                      "BUS_MCEERR_AR", "BUS_MCEERR_AO"};
      return code > 0 && code < static_cast<int>(std::size(k)) ? k[code] : nullptr;
    }
    case SIGILL: {
      static const char* const k[] = {nullptr, "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR",
                                      "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC",
                                      "ILL_BADSTK", "ILL_BADIADDR"};
      return code > 0 && code < static_cast<int>(std::size(k)) ? k[code] : nullptr;
    }
    case SIGFPE: {
      static const char* const k[] = {nullptr, "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV",
                                      "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV",
                                      "FPE_FLTSUB", "FPE_FLTUNK", "FPE_CONDTRAP"};
      return code > 0 && code < static_cast<int>(std::size(k)) ? k[code] : nullptr;
    }
    case SIGTRAP: {
      static const char* const k[] = {nullptr, "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH",
                                      "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF"};
      return code > 0 && code < static_cast<int>(std::size(k)) ? k[code] : nullptr;
    }
    case SIGCHLD: {
      static const char* const k[] = {nullptr, "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
                                      "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"};
      return code > 0 && code < static_cast<int>(std::size(k)) ? k[code] : nullptr;
    }
    case SIGPOLL: {
      static const char* const k[] = {nullptr, "POLL_IN", "POLL_OUT", "POLL_MSG",
                                      "POLL_ERR", "POLL_PRI", "POLL_HUP"};
      return code > 0 && code < static_cast<int>(std::size(k)) ? k[code] : nullptr;
    }
    case SIGSYS:
      return code == 1 ? "SYS_SECCOMP" : nullptr;
  }
  return nullptr;
}

}  // namespace

std::string si_code_name(int signo, int si_code) {
  if (const char* s = signal_specific_code(signo, si_code)) return s;
  if (const char* g = generic_code(si_code)) return g;
  return std::to_string(si_code);
}

}  // namespace whyfail::report
