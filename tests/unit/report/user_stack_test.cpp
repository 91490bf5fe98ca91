// -k output: strace -k's line shape, the JSON frames, the verdict's "called from".
#include "report/user_stack.h"

#include <gtest/gtest.h>

namespace whyfail::report {
namespace {

symbolize::UserFrame frame(const std::string& module, const std::string& function, uint64_t function_offset,
                           uint64_t elf_address, uint64_t address) {
  symbolize::UserFrame f;
  f.module = module;
  f.function = function;
  f.function_offset = function_offset;
  f.elf_address = elf_address;
  f.offset = elf_address;
  f.address = address;
  f.build_id = module.empty() ? "" : "0123abcd";
  f.source = module.empty() ? symbolize::FrameSource::None : symbolize::FrameSource::Maps;
  return f;
}

trace::SyscallEvent with_frames(std::vector<symbolize::UserFrame> frames) {
  trace::SyscallEvent e;
  e.nr = 257;
  for (const auto& f : frames) e.user_stack.push_back(f.address);
  e.user_frames = std::move(frames);
  return e;
}

TEST(UserStack, StraceShape) {
  auto e = with_frames({frame("/usr/lib/x86_64-linux-gnu/libc.so.6", "__open64", 0x51, 0xf8011, 0x7f00000f8011),
                        frame("/bin/prog", "", 0, 0x11fa, 0x5500000011fa), frame("", "", 0, 0, 0x7f1234)});
  EXPECT_EQ(render_user_stack(e),
            " > /usr/lib/x86_64-linux-gnu/libc.so.6(__open64+0x51) [0xf8011]\n"
            " > /bin/prog(+0x11fa) [0x11fa]\n"
            " > [0x7f1234]\n");
}

TEST(UserStack, WithoutFramesTheAddresses) {
  trace::SyscallEvent e;
  e.user_stack = {0x7f0011, 0x5512};
  EXPECT_EQ(render_user_stack(e), " > 0x7f0011\n > 0x5512\n");
}

TEST(UserStack, UntrustedNamesAreEscaped) {
  auto e = with_frames({frame("/tmp/a\nb\x01", "f\x1b[31m", 1, 0x10, 0x5510)});
  EXPECT_EQ(render_user_stack(e), " > /tmp/a\\nb\\x01(f\\x1b[31m+0x1) [0x10]\n");
  Json j = user_frames_to_json(e.user_frames);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["module"], "/tmp/a\nb\x01");
  EXPECT_EQ(j[0]["address"], "0x5510");
  EXPECT_EQ(j[0]["resolved_by"], "maps");
  EXPECT_TRUE(j[0]["file"].is_null());
}

TEST(UserStack, CalledFromIsTheFirstFrameOutsideTheCRuntime) {
  auto e = with_frames({frame("/usr/lib/x86_64-linux-gnu/libc.so.6", "__open64", 0x51, 0xf8011, 0x7f00000f8011),
                        frame("/bin/prog", "load_config", 0xa, 0x11fa, 0x5500000011fa),
                        frame("/bin/prog", "main", 0x1e, 0x10ce, 0x5500000010ce)});
  e.user_frames[1].file = "/src/prog.c";
  e.user_frames[1].line = 15;
  EXPECT_EQ(called_from(e), "load_config+0xa in /bin/prog at /src/prog.c:15");
  auto only_libc = with_frames({frame("/usr/lib/x86_64-linux-gnu/libc.so.6", "__open64", 0x51, 0xf8011, 1)});
  EXPECT_EQ(called_from(only_libc), "");
  EXPECT_EQ(called_from(trace::SyscallEvent{}), "");
}

}  // namespace
}  // namespace whyfail::report
