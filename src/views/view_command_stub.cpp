// Built with WHYFAIL_BPF=OFF: the views need the BPF toolchain.
#include "views/view_command.h"

namespace whyfail::views {

bool is_view_verb(std::string_view w) { return w == "execs" || w == "files" || w == "sched"; }

Result<int> run_view_command(int, char** argv) {
  return fail(0, std::string("whyfail ") + argv[0] + " is not built in",
              "rebuild with -DWHYFAIL_BPF=ON (clang, bpftool, libbpf-dev)");
}

}  // namespace whyfail::views

#include "views/views_probe.h"

namespace whyfail::views {

std::vector<platform::Feature> probe_views() {
  std::vector<platform::Feature> out;
  for (const char* v : {"execs", "files", "sched"})
    out.push_back({std::string("view_") + v, platform::Availability::No, "not built in",
                   std::string("whyfail ") + v + " needs a build with -DWHYFAIL_BPF=ON (clang, bpftool, libbpf-dev)"});
  return out;
}

}  // namespace whyfail::views
