// Result<T>: the one error-return type of the project (tl::expected, as
// std::expected needs -std=c++2b on g++ 12). An Error carries the errno, what
// was being tried, and a hint telling the user what to do about it.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace whyfail {

struct Error {
  int err = 0;          // errno, 0 when not from a system call
  std::string what;     // what was tried: "ptrace(PTRACE_SEIZE, 1234)"
  std::string hint;     // what the user can do: "run as root or ..."

  // One line for the user: "what: strerror(err) (hint)".
  std::string message() const;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(int err, std::string what, std::string hint = {}) {
  return tl::unexpected<Error>(Error{err, std::move(what), std::move(hint)});
}

}  // namespace whyfail
