// The explainers, one per syscall family; explainer.cpp dispatches to them.
// Each returns the causes it could establish (empty: nothing to say, the
// caller falls back to the man page).
#pragma once

#include <string>
#include <vector>

#include "explain/call.h"
#include "explain/explanation.h"

namespace whyfail::explain {

std::vector<Cause> explain_path_call(const Call& call);   // path_errors.cpp
std::vector<Cause> explain_exec(const Call& call);        // exec.cpp
std::vector<Cause> explain_fd(const Call& call);          // fd.cpp
std::vector<Cause> explain_net(const Call& call);         // net.cpp
std::vector<Cause> explain_memory(const Call& call);      // memory.cpp
std::vector<Cause> explain_space(const Call& call);       // space.cpp: ENOSPC, EDQUOT
std::vector<Cause> explain_privilege(const Call& call);   // privilege.cpp
std::vector<Cause> explain_perf_event_open(const Call& call);  // perf_event_attr.cpp

bool is_path_call(int nr);
bool is_exec_call(int nr);
bool is_net_call(int nr);
bool is_memory_call(int nr);

}  // namespace whyfail::explain
