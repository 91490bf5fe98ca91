// When may a views test skip? Only when the kernel refuses BPF by policy
// (not root, lockdown, unprivileged_bpf_disabled): any other load or attach
// error is a failure, so a broken view cannot pass CI as "skipped".
#pragma once

#include <cerrno>
#include <string>

#include "util/result.h"

namespace whyfail::views::testing {

inline bool refused_by_policy(const Error& e) {
  return e.err == EPERM || e.err == EACCES;
}

// Where a test helper keeps why it cannot go on: `skip` for a refusal by
// policy, `failure` for anything else.
struct Outcome {
  std::string skip;
  std::string failure;
  void note(const Error& e) { (refused_by_policy(e) ? skip : failure) = e.message(); }
  bool stopped() const { return !skip.empty() || !failure.empty(); }
};

}  // namespace whyfail::views::testing

// In a TEST body: fail or skip for an Outcome that stopped.
#define VIEW_STOP_IF(outcome)                                          \
  do {                                                                 \
    if (!(outcome).failure.empty()) FAIL() << (outcome).failure;       \
    if (!(outcome).skip.empty()) GTEST_SKIP() << (outcome).skip;       \
  } while (0)

// In a TEST body: skip for a refusal by policy, fail for any other error.
#define VIEW_SKIP_OR_FAIL(error)                                                       \
  do {                                                                                 \
    if (whyfail::views::testing::refused_by_policy(error)) GTEST_SKIP() << (error).message(); \
    FAIL() << (error).message();                                                       \
  } while (0)
