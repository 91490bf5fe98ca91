// The text of -e inject=, -e fault= and -e delay=, in strace's syntax plus
// whyfail's filters (docs/injection.md). Errors name the rule and the part
// that is wrong, with what to write instead.
#pragma once

#include <string_view>

#include "inject/rule.h"
#include "util/result.h"

namespace whyfail::inject {

enum class RuleKind {
  Inject,  // -e inject=SET:ACTION...
  Fault,   // -e fault=SET[:error=ERRNO][:when=...]: error= defaults to ENOSYS
  Delay,   // -e delay=SET:delay_enter=D|delay_exit=D[:when=...]
};

// Parses `text` (what follows "inject=", "fault=" or "delay="). The rule's
// set_expr holds the syscall set as written; the caller parses it (with the
// -e trace= parser) into `syscalls`.
Result<InjectRule> parse_rule(RuleKind kind, std::string_view text);

// :when=FIRST[..LAST][+[STEP]] with strace's ranges: FIRST and STEP
// 1..65535, LAST 1..65534 and not below FIRST.
Result<When> parse_when(std::string_view text);

// A time as strace writes it: a decimal number with an optional unit s, ms,
// us (the default) or ns. Returns nanoseconds.
Result<uint64_t> parse_delay(std::string_view text);

}  // namespace whyfail::inject
