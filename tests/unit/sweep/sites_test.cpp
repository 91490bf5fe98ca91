// How a recording becomes sites: which calls are sites, how they are deduplicated, which
// call at a site a trial aims at, and the errnos tried. The recordings are JSON Lines in
// whyfail's --json schema (docs/json-schema.md), written out here.
#include "sweep/sites.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "sweep/recording.h"

namespace whyfail::sweep {
namespace {

// One "syscall" record; `args_json` and `extra` are spliced in as they are.
std::string call(int seq, const std::string& name, int nr, const std::string& args_json, const std::string& raw,
                 long ret, const std::string& stack, const std::string& extra = "") {
  std::string err = ret < 0 ? "\"ENOENT\"" : "null";
  return "{\"type\":\"syscall\",\"seq\":" + std::to_string(seq) + ",\"pid\":10,\"tid\":10,\"syscall\":\"" + name +
         "\",\"nr\":" + std::to_string(nr) + ",\"args\":" + args_json + ",\"raw_args\":" + raw +
         ",\"ret\":" + std::to_string(ret) + ",\"errno\":" + err + ",\"finished\":true,\"injected\":false," +
         "\"user_stack\":" + stack + extra + "}\n";
}

const std::string kFile = "{\"fd\":3,\"path\":\"/w/out.txt\"}";
const std::string kLoop = "[\"0x7f0000001000\",\"0x550000002000\"]";

TEST(Sites, RepeatedCallsAtOneStackAreOneSiteAimedAtTheFirst) {
  std::string j;
  j += call(1, "openat", 257, "[\"AT_FDCWD\",\"out.txt\",\"O_WRONLY|O_CREAT\",\"0644\"]",
            "[4294967196,1," + std::to_string(O_WRONLY | O_CREAT) + ",420]", 3, "[\"0x7f0000000100\",\"0x550000000100\"]");
  for (int i = 0; i < 3; i++) j += call(2 + i, "write", 1, "[" + kFile + ",\"x\",1]", "[3,1,1]", 1, kLoop);
  j += call(5, "close", 3, "[3]", "[3]", 0, "[\"0x7f0000000200\",\"0x550000000200\"]");
  auto sites = find_sites(parse_recording(j), {});
  ASSERT_EQ(sites.sites.size(), 3u);
  EXPECT_EQ(sites.sites[0].call.name, "openat");
  EXPECT_EQ(sites.sites[0].errnos, (std::vector<int>{EACCES, ENOSPC, EMFILE}));  // O_CREAT: no ENOENT
  EXPECT_EQ(sites.sites[1].call.name, "write");
  EXPECT_EQ(sites.sites[1].calls, 3u);
  EXPECT_EQ(sites.sites[1].when, 1u);
  EXPECT_EQ(sites.sites[1].errnos, (std::vector<int>{ENOSPC, EIO, EINTR}));
  // close() carries no annotation (the descriptor is gone): the file is known from the
  // writes, and a written file's close can report lost data.
  EXPECT_EQ(sites.sites[2].call.name, "close");
  EXPECT_EQ(call_target(sites.sites[2].call), "/w/out.txt");
  EXPECT_EQ(sites.sites[2].errnos, (std::vector<int>{EIO, ENOSPC}));
}

TEST(Sites, OneStackWithTargetsOfDifferentKindsIsSplitAndAimedByCount) {
  std::string j;
  j += call(1, "write", 1, "[" + kFile + ",\"x\",1]", "[3,1,1]", 1, kLoop, ",\"call_site\":\"00000000000000aa\"");
  j += call(2, "write", 1, "[{\"fd\":4,\"path\":\"pipe:[99]\"},\"x\",1]", "[4,1,1]", 1, kLoop,
            ",\"call_site\":\"00000000000000aa\"");
  j += call(3, "write", 1, "[{\"fd\":4,\"path\":\"pipe:[99]\"},\"x\",1]", "[4,1,1]", 1, kLoop,
            ",\"call_site\":\"00000000000000aa\"");
  auto sites = find_sites(parse_recording(j), {});
  EXPECT_TRUE(sites.have_call_sites);
  ASSERT_EQ(sites.sites.size(), 2u);
  EXPECT_EQ(sites.sites[0].errnos, (std::vector<int>{ENOSPC, EIO, EINTR}));
  EXPECT_EQ(sites.sites[1].errnos, (std::vector<int>{EINTR}));
  EXPECT_EQ(sites.sites[1].when, 2u);   // the second call at that call site
  EXPECT_EQ(sites.sites[1].calls, 2u);
}

TEST(Sites, FailedCallsFstatAndTheCommandsOwnExecAreNotSites) {
  std::string j;
  j += call(1, "execve", 59, "[\"/bin/x\",[\"x\"],\"0x0\"]", "[1,2,3]", 0, "[]");
  j += call(2, "openat", 257, "[\"AT_FDCWD\",\"/nope\",\"O_RDONLY\"]", "[4294967196,1,0]", -2, "[\"0x7f01\"]");
  j += call(3, "newfstatat", 262, "[" + kFile + ",\"\",\"0x1\",\"AT_EMPTY_PATH\"]", "[3,1,1,4096]", 0, "[\"0x7f02\"]");
  j += call(4, "execve", 59, "[\"/bin/y\",[\"y\"],\"0x0\"]", "[1,2,3]", 0, "[\"0x7f03\"]");
  auto sites = find_sites(parse_recording(j), {});
  ASSERT_EQ(sites.sites.size(), 1u);  // only the second execve (the command's child program)
  EXPECT_EQ(sites.sites[0].call.seq, 4u);
}

TEST(Sites, LoaderStartUpCallsAreLeftOutButADlopenIsNot) {
  const std::string ld = "{\"address\":\"0x7f0000000100\",\"module\":\"/lib64/ld-linux-x86-64.so.2\",\"offset\":256}";
  const std::string libc = "{\"address\":\"0x7f0000009100\",\"module\":\"/lib/x86_64-linux-gnu/libc.so.6\",\"offset\":256}";
  const std::string unknown = "{\"address\":\"0x10\",\"module\":\"\",\"offset\":0}";
  std::string j;
  j += call(1, "openat", 257, "[\"AT_FDCWD\",\"/etc/ld.so.cache\",\"O_RDONLY\"]", "[4294967196,1,0]", 3, "[\"0x7f01\"]",
            ",\"user_frames\":[" + ld + "," + ld + "," + unknown + "]");
  j += call(2, "openat", 257, "[\"AT_FDCWD\",\"/lib/plugin.so\",\"O_RDONLY\"]", "[4294967196,1,0]", 4, "[\"0x7f02\"]",
            ",\"user_frames\":[" + ld + "," + libc + "]");
  auto sites = find_sites(parse_recording(j), {});
  EXPECT_EQ(sites.loader_calls_skipped, 1u);
  ASSERT_EQ(sites.sites.size(), 1u);
  EXPECT_EQ(call_target(sites.sites[0].call), "/lib/plugin.so");
  SiteOptions all;
  all.include_loader = true;
  EXPECT_EQ(find_sites(parse_recording(j), all).sites.size(), 2u);
}

TEST(Sites, StackShownFromTheProgramsOwnFrames) {
  const std::string frames =
      ",\"call_site\":\"0123456789abcdef\",\"user_frames\":["
      "{\"address\":\"0x7f0000001000\",\"module\":\"/usr/lib/x86_64-linux-gnu/libc.so.6\",\"build_id\":\"aa\","
      "\"offset\":4096,\"function\":\"__write\",\"function_offset\":16},"
      "{\"address\":\"0x550000002000\",\"module\":\"/w/prog\",\"build_id\":\"bb\",\"offset\":8192,"
      "\"function\":\"main\",\"function_offset\":50,\"file\":\"/src/prog.c\",\"line\":25},"
      "{\"address\":\"0x7f0000003000\",\"module\":\"/usr/lib/x86_64-linux-gnu/libc.so.6\",\"build_id\":\"aa\","
      "\"offset\":12288,\"function\":\"__libc_start_call_main\",\"function_offset\":122}]";
  auto rec = parse_recording(call(1, "write", 1, "[" + kFile + ",\"x\",1]", "[3,1,1]", 1, kLoop, frames));
  ASSERT_EQ(rec.calls.size(), 1u);
  EXPECT_EQ(rec.calls[0].call_site, "0123456789abcdef");
  EXPECT_EQ(rec.calls[0].frames.at(1).line, 25);
  EXPECT_EQ(describe_stack(rec.calls[0], 3), "main+0x32 (prog.c:25) < __libc_start_call_main+0x7a");
  auto sites = find_sites(rec, {});
  ASSERT_EQ(sites.sites.size(), 1u);
  EXPECT_TRUE(sites.have_call_sites);
  EXPECT_EQ(sites.sites[0].call_site, "0123456789abcdef");
}

TEST(Recording, ACutOffLastLineIsCountedNotFatal) {
  std::string j = call(1, "getpid", 39, "[]", "[]", 10, "[]");
  j += "{\"type\":\"syscall\",\"seq\":2,\"pid\":1";
  Recording r = parse_recording(j);
  EXPECT_EQ(r.calls.size(), 1u);
  EXPECT_EQ(r.bad_lines, 1u);
  EXPECT_EQ(r.root_pid, 10);
}

}  // namespace
}  // namespace whyfail::sweep
