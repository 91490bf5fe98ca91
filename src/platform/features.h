// What the running kernel allows whyfail to do, and why not. Every feature is
// probed by trying it, and the reason it is missing is kept for the user.
#pragma once

#include <string>
#include <string_view>
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
// Each probe tries the thing and keeps the reason it failed; individual
// probes are in platform/probes.h, helpers in sysctl.h and lockdown.h.
std::vector<Feature> probe_all();

// The feature called `name` in `features`, or nullptr.
const Feature* find_feature(const std::vector<Feature>& features, std::string_view name);

}  // namespace whyfail::platform
