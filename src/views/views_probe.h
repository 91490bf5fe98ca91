// `whyfail doctor`'s rows for the views: each view's BPF programs loaded and
// attached for real (then detached), so the table says exactly what
// `whyfail execs|files|sched` would meet, and what to change when refused.
#pragma once

#include <vector>

#include "platform/features.h"

namespace whyfail::views {

// Rows "view_execs", "view_files", "view_sched".
std::vector<platform::Feature> probe_views();

}  // namespace whyfail::views
