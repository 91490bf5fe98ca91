// RecordConverter: ring-buffer bytes in, trace::Event out, laid out by hand
// exactly as syscalls.bpf.c writes them.
#include "record_converter.h"

#include <gtest/gtest.h>
#include <linux/bpf.h>

#include <csignal>
#include <cstring>
#include <vector>

#include "syscalls_abi.h"

namespace whyfail::trace::bpf {
namespace {

void put_cap(std::vector<uint8_t>& buf, uint8_t arg, uint8_t flags, const std::string& bytes,
             const std::vector<uint16_t>& parts = {}, uint16_t total = 0) {
  wf_cap_hdr ch{};
  ch.arg = arg;
  ch.flags = flags;
  ch.nparts = static_cast<uint8_t>(parts.size());
  ch.len = static_cast<uint16_t>(bytes.size());
  ch.total = total;
  std::size_t at = buf.size();
  std::size_t used = sizeof ch + bytes.size() + parts.size() * 2;
  buf.resize(at + ((used + 7) & ~std::size_t{7}), 0);
  std::memcpy(&buf[at], &ch, sizeof ch);
  std::memcpy(&buf[at + sizeof ch], bytes.data(), bytes.size());
  for (std::size_t i = 0; i < parts.size(); ++i)
    std::memcpy(&buf[at + sizeof ch + bytes.size() + 2 * i], &parts[i], 2);
}

std::vector<uint8_t> syscall_record(int nr, int64_t ret, uint16_t ncaps) {
  wf_syscall_rec r{};
  r.h.type = WF_REC_SYSCALL;
  r.h.ts_ns = 1000;
  r.pid = 10;
  r.tid = 11;
  r.nr = static_cast<uint32_t>(nr);
  r.ret = ret;
  r.args[0] = 0xffffff9c;
  r.args[1] = 0x1234;
  r.ncaps = ncaps;
  std::vector<uint8_t> buf(sizeof r);
  std::memcpy(buf.data(), &r, sizeof r);
  return buf;
}

void finish(std::vector<uint8_t>& buf) {
  uint32_t size = static_cast<uint32_t>(buf.size());
  std::memcpy(&buf[offsetof(wf_rec_hdr, size)], &size, sizeof size);
}

TEST(RecordConverter, SyscallWithPathAndIovec) {
  auto buf = syscall_record(257, -2, 2);
  put_cap(buf, 1, WF_CAPF_TRUNCATED, "/etc/nope");
  put_cap(buf, 2, 0, "abcdef", {2, 6}, 3);
  finish(buf);
  RecordConverter c;
  auto ev = c.convert(buf.data(), buf.size());
  ASSERT_TRUE(ev.has_value());
  const auto& e = std::get<SyscallEvent>(*ev);
  EXPECT_EQ(e.seq, 1u);
  EXPECT_EQ(e.pid, 10);
  EXPECT_EQ(e.tid, 11);
  EXPECT_EQ(e.nr, 257);
  EXPECT_EQ(e.error(), 2);
  EXPECT_EQ(e.enter_ns, 1000u);  // no sys_enter: exit time stands in
  EXPECT_EQ(e.exit_ns, 1000u);
  ASSERT_TRUE(e.captured[1].has_value());
  EXPECT_EQ(e.captured[1]->bytes, "/etc/nope");
  EXPECT_TRUE(e.captured[1]->truncated);
  ASSERT_TRUE(e.captured[2].has_value());
  EXPECT_EQ(e.captured[2]->bytes, "abcdef");
  EXPECT_EQ(e.captured[2]->parts, (std::vector<uint32_t>{2, 6}));
  EXPECT_EQ(e.captured[2]->elements_total, 3u);
  EXPECT_FALSE(e.captured[0].has_value());
  auto ev2 = c.convert(buf.data(), buf.size());
  EXPECT_EQ(std::get<SyscallEvent>(*ev2).seq, 2u);
}

// -k: the addresses, then the same stack as struct bpf_stack_build_id entries.
TEST(RecordConverter, UserStackWithBuildIds) {
  auto buf = syscall_record(257, -2, 0);
  const std::vector<uint64_t> ips = {0x7f0000001011, 0x5500000011fa, 0x5500000010ce, 0x7968772f746e6574};
  std::vector<bpf_stack_build_id> ids(4);
  std::memset(ids.data(), 0, ids.size() * sizeof ids[0]);
  ids[0].status = BPF_STACK_BUILD_ID_VALID;
  for (int i = 0; i < 20; ++i) ids[0].build_id[i] = static_cast<unsigned char>(0x93 + i);
  ids[0].offset = 0xf8011;
  ids[1].status = BPF_STACK_BUILD_ID_VALID;
  for (int i = 0; i < 16; ++i) ids[1].build_id[i] = 0xab;  // a 16-byte id, zero-padded to 20
  ids[1].offset = 0x11fa;
  ids[2].status = BPF_STACK_BUILD_ID_IP;  // the kernel could not read this one's build-id
  ids[2].ip = 0x5500000010ce;
  ids[3].status = BPF_STACK_BUILD_ID_IP;
  ids[3].ip = 0x7968772f746e6574;  // a frame-pointer walk gone astray: not a user address
  wf_syscall_rec r;
  std::memcpy(&r, buf.data(), sizeof r);
  r.stack_bytes = static_cast<uint16_t>(ips.size() * 8);
  r.stack_ids = static_cast<uint8_t>(ids.size());
  std::memcpy(buf.data(), &r, sizeof r);
  const std::size_t at = buf.size();
  buf.resize(at + ips.size() * 8 + ids.size() * sizeof ids[0]);
  std::memcpy(&buf[at], ips.data(), ips.size() * 8);
  std::memcpy(&buf[at + ips.size() * 8], ids.data(), ids.size() * sizeof ids[0]);
  finish(buf);
  RecordConverter c;
  auto ev = c.convert(buf.data(), buf.size());
  ASSERT_TRUE(ev);
  const auto& e = std::get<SyscallEvent>(*ev);
  ASSERT_EQ(e.user_stack.size(), 3u) << "cut at the address above user space";
  ASSERT_EQ(e.user_frames.size(), 3u);
  EXPECT_EQ(e.user_frames[0].build_id, "939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6");
  EXPECT_EQ(e.user_frames[0].offset, 0xf8011u);
  EXPECT_EQ(e.user_frames[0].address, ips[0]);
  EXPECT_TRUE(e.user_frames[0].activation);
  std::string ab;
  for (int i = 0; i < 16; ++i) ab += "ab";
  EXPECT_EQ(e.user_frames[1].build_id, ab) << "the zero padding is not part of the id";
  EXPECT_FALSE(e.user_frames[1].activation);
  EXPECT_EQ(e.user_frames[2].build_id, "");
  EXPECT_EQ(e.user_frames[2].address, ips[2]);
  EXPECT_EQ(c.stack_ids_valid(), 2u);
  EXPECT_EQ(c.stack_ids_ip(), 1u);
}

TEST(RecordConverter, ExitStatusLayout) {
  wf_exit_rec r{};
  r.h.type = WF_REC_EXIT;
  r.h.size = sizeof r;
  r.pid = r.tid = 5;
  r.group_dead = 1;
  r.exit_code = 3 << 8;
  RecordConverter c;
  auto e = std::get<ExitEvent>(*c.convert(&r, sizeof r));
  EXPECT_FALSE(e.killed);
  EXPECT_EQ(e.code, 3);
  EXPECT_FALSE(e.thread_only);
  r.exit_code = 9;  // SIGKILL
  r.group_dead = 0;
  e = std::get<ExitEvent>(*c.convert(&r, sizeof r));
  EXPECT_TRUE(e.killed);
  EXPECT_EQ(e.signo, 9);
  EXPECT_TRUE(e.thread_only);
}

TEST(RecordConverter, NoExitRecordIsAnUnfinishedCallInTheSyscallSequence) {
  auto buf = syscall_record(231, -512, 0);  // exit_group; a dying call's ret is meaningless
  const uint32_t noexit = WF_REC_NOEXIT;
  std::memcpy(&buf[offsetof(wf_rec_hdr, type)], &noexit, sizeof noexit);
  finish(buf);
  RecordConverter c;
  auto first = c.convert(buf.data(), buf.size());
  ASSERT_TRUE(first.has_value());
  const auto& e = std::get<SyscallEvent>(*first);
  EXPECT_EQ(e.nr, 231);
  EXPECT_FALSE(e.finished);
  EXPECT_FALSE(e.failed());  // not an ERESTARTSYS failure
  EXPECT_EQ(e.ret, 0);
  EXPECT_EQ(e.exit_ns, 0u);
  EXPECT_EQ(e.args[0], 0xffffff9cu);
  EXPECT_EQ(e.seq, 1u);  // numbered with the finished calls
}

TEST(RecordConverter, SignalKeepsTheSenderOnlyWhereSiginfoNamesOne) {
  wf_signal_rec r{};
  r.h.type = WF_REC_SIGNAL;
  r.h.size = sizeof r;
  r.h.ts_ns = 77;
  r.pid = 20;
  r.tid = 21;
  r.signo = SIGUSR1;
  r.code = SI_TKILL;  // raise(): sent by a process
  r.sender_pid = 20;
  r.sender_uid = 1000;
  RecordConverter c;
  auto s = std::get<SignalEvent>(*c.convert(&r, sizeof r));
  EXPECT_EQ(s.ts_ns, 77u);
  EXPECT_EQ(s.pid, 20);
  EXPECT_EQ(s.tid, 21);
  EXPECT_EQ(s.signo, SIGUSR1);
  EXPECT_EQ(s.si_code, SI_TKILL);
  EXPECT_EQ(s.sender_pid, 20);
  EXPECT_EQ(s.sender_uid, 1000u);
  r.signo = SIGSEGV;  // a fault: the union holds the address, not a sender
  r.code = SEGV_MAPERR;
  s = std::get<SignalEvent>(*c.convert(&r, sizeof r));
  EXPECT_EQ(s.sender_pid, 0);
  EXPECT_EQ(s.sender_uid, 0u);
  r.signo = SIGCHLD;  // positive si_code, but si_pid is the child
  r.code = CLD_EXITED;
  s = std::get<SignalEvent>(*c.convert(&r, sizeof r));
  EXPECT_EQ(s.sender_pid, 20);
  EXPECT_EQ(c.malformed(), 0u);
}

TEST(RecordConverter, TruncatedRecordIsRejectedAndCounted) {
  auto buf = syscall_record(2, -2, 1);
  put_cap(buf, 0, 0, "/x");
  finish(buf);
  RecordConverter c;
  EXPECT_FALSE(c.convert(buf.data(), buf.size() - 8).has_value());
  EXPECT_EQ(c.malformed(), 1u);
}

}  // namespace
}  // namespace whyfail::trace::bpf
