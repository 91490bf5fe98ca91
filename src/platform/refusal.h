// Why the kernel said no: turns an errno from a probe into words that name
// the likely policy behind it (lockdown, a sysctl, a missing capability).
#pragma once

#include <string>

namespace whyfail::platform {

// "EPERM" for 1, "errno 999" for unknown values.
std::string errno_name(int err);

// "EPERM (Operation not permitted); lockdown=integrity blocks it" — the
// lockdown clause only when err is EPERM and the kernel is locked down.
std::string refusal(int err);

}  // namespace whyfail::platform
