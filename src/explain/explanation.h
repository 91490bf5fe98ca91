// What an explainer finds: structured causes, never free prose alone.
#pragma once

#include <string>
#include <vector>

namespace whyfail::explain {

struct Cause {
  std::string code;        // stable, documented id: "path.missing-component" (docs/cause-codes.md)
  std::string text;        // one sentence a developer acts on; may quote tracee bytes, already escaped
  std::vector<std::string> evidence;  // what was checked: "/etc: exists, mode 0755 root:root"
  std::string fix;         // what to change, when known
  bool verified = true;    // false: a possible cause (e.g. from the man page), not checked
  bool state_after_the_fact = false;  // the state was read after the failure and may have changed
};

struct Explanation {
  std::vector<Cause> causes;   // most specific first; empty when nothing could be said
  // The first cause's text, or a generic line; used in the verdict sentence.
  std::string summary() const { return causes.empty() ? std::string() : causes.front().text; }
};

}  // namespace whyfail::explain
