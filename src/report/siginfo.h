// Names for siginfo fields (si_code depends on the signal).
#pragma once

#include <string>

namespace whyfail::report {

// "SI_USER", "SEGV_MAPERR", "CLD_EXITED", ...; the number when unknown.
std::string si_code_name(int signo, int si_code);

}  // namespace whyfail::report
