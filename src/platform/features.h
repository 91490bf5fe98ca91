// What the running kernel allows whyfail to do, and why not. Every feature is
// probed by trying it, and the reason it is missing is kept for the user.
#pragma once

#include <string>
#include <vector>

namespace whyfail::platform {

enum class Availability { Yes, No, Unknown };

struct Feature {
  std::string name;          // "ptrace", "bpf", "fexit", "kprobes", "tracefs", ...
  Availability available = Availability::Unknown;
  std::string detail;        // what was found: "lockdown=integrity", "kernel.perf_event_paranoid=2"
  std::string consequence;   // what the user loses without it, and what to change
};

// Probes every feature (cheap; safe to call at start-up of `whyfail doctor`).
std::vector<Feature> probe_all();

}  // namespace whyfail::platform
