#include "origin/candidates.h"

#include <gtest/gtest.h>

using namespace whyfail::origin;

TEST(Glob, Matches) {
  EXPECT_TRUE(glob_match("perf_*", "perf_copy_attr"));
  EXPECT_TRUE(glob_match("*_attr", "perf_copy_attr"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_FALSE(glob_match("perf_*", "xperf_a"));
  EXPECT_FALSE(glob_match("a*b", "acbd"));
}

TEST(Deny, TracerMachineryIsDeniedWithAReason) {
  for (const char* f : {"migrate_disable", "__bpf_prog_enter", "bpf_ringbuf_output", "_raw_spin_lock",
                        "htab_map_lookup_elem", "rcu_read_lock_held", "ftrace_ops_list_func", "__cond_resched",
                        "copy_from_kernel_nofault", "copy_from_user_nofault"}) {
    const DenyRule* r = denied(f);
    ASSERT_NE(r, nullptr) << f;
    EXPECT_GT(std::string(r->why).size(), 5u);
  }
  for (const char* f : {"perf_copy_attr", "filename_create", "__sys_bpf", "do_sys_openat2", "__x64_sys_mkdir"})
    EXPECT_EQ(denied(f), nullptr) << f;
}

TEST(FunctionGraph, ParsesNames) {
  const char* text =
      "# tracer: function_graph\n"
      "#\n"
      "# CPU  DURATION                  FUNCTION CALLS\n"
      "# |     |   |                     |   |   |   |\n"
      " 0)               |  __x64_sys_perf_event_open() {\n"
      " 0)               |    perf_copy_attr() {\n"
      " 0)   0.199 us    |      __check_object_size();\n"
      " 0)   1.000 us    |    }\n"
      " 0)   0.300 us    |    perf_copy_attr();\n"
      " 0) + 12.22 us    |  } /* __x64_sys_perf_event_open */\n"
      " ------------------------------------------\n"
      " 0)  a-1    =>  b-2   \n";
  auto names = parse_function_graph(text);
  EXPECT_EQ(names, (std::vector<std::string>{"__x64_sys_perf_event_open", "perf_copy_attr",
                                             "__check_object_size"}));
}
