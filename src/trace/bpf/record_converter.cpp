#include "record_converter.h"

#include <linux/bpf.h>

#include <csignal>
#include <cstring>
#include <string>

#include "symbolize/user_symbolizer.h"
#include "syscalls_abi.h"

namespace whyfail::trace::bpf {

namespace {

constexpr uint64_t kUserSpaceEnd = 1ull << 56;

template <typename T>
bool read_at(const uint8_t* base, std::size_t size, std::size_t off, T* out) {
  if (off > size || size - off < sizeof(T)) return false;
  std::memcpy(out, base + off, sizeof(T));
  return true;
}

std::string bounded(const char* s, std::size_t max) { return std::string(s, strnlen(s, max)); }

ExitEvent exit_event(const wf_exit_rec& r) {
  ExitEvent e;
  e.ts_ns = r.h.ts_ns;
  e.pid = static_cast<pid_t>(r.pid);
  e.tid = static_cast<pid_t>(r.tid);
  e.thread_only = r.group_dead == 0;
  // task->exit_code has the wait(2) status layout.
  const int sig = static_cast<int>(r.exit_code & 0x7f);
  e.killed = sig != 0;
  e.signo = sig;
  e.core_dumped = (r.exit_code & 0x80) != 0;
  e.code = e.killed ? 0 : static_cast<int>((r.exit_code >> 8) & 0xff);
  return e;
}

SignalEvent signal_event(const wf_signal_rec& r) {
  SignalEvent e;
  e.ts_ns = r.h.ts_ns;
  e.pid = static_cast<pid_t>(r.pid);
  e.tid = static_cast<pid_t>(r.tid);
  e.signo = r.signo;
  e.si_code = r.code;
  // si_pid/si_uid name a sender only for signals sent by a process (and a
  // child's for SIGCHLD); elsewhere the union holds other fields. Same rule
  // as the ptrace backend.
  if (r.code <= 0 || r.signo == SIGCHLD) {
    e.sender_pid = static_cast<pid_t>(r.sender_pid);
    e.sender_uid = static_cast<uid_t>(r.sender_uid);
  }
  return e;
}

}  // namespace

std::optional<Event> RecordConverter::convert(const void* data, std::size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  wf_rec_hdr h;
  if (!read_at(p, size, 0, &h) || h.size > size) {
    ++malformed_;
    return std::nullopt;
  }
  switch (h.type) {
    case WF_REC_SYSCALL:
      return syscall(p, h.size);
    case WF_REC_NOEXIT: {
      // As the ptrace backend reports a call whose exit never came.
      auto ev = syscall(p, h.size);
      if (ev) {
        auto& s = std::get<SyscallEvent>(*ev);
        s.finished = false;
        s.ret = 0;
        s.exit_ns = 0;
      }
      return ev;
    }
    case WF_REC_SIGNAL: {
      wf_signal_rec r;
      if (!read_at(p, size, 0, &r)) break;
      return Event{signal_event(r)};
    }
    case WF_REC_FORK: {
      wf_fork_rec r;
      if (!read_at(p, size, 0, &r)) break;
      SpawnEvent e;
      e.ts_ns = r.h.ts_ns;
      e.parent_pid = static_cast<pid_t>(r.parent_pid);
      e.parent_tid = static_cast<pid_t>(r.parent_tid);
      e.child_pid = static_cast<pid_t>(r.child_pid);
      e.child_tid = static_cast<pid_t>(r.child_tid);
      e.is_thread = r.is_thread != 0;
      return Event{e};
    }
    case WF_REC_EXEC: {
      wf_exec_rec r;
      if (!read_at(p, size, 0, &r)) break;
      ExecEvent e;
      e.ts_ns = r.h.ts_ns;
      e.pid = static_cast<pid_t>(r.pid);
      e.old_tid = static_cast<pid_t>(r.old_tid);
      e.filename = bounded(r.filename, sizeof r.filename);
      e.comm = bounded(r.comm, sizeof r.comm);
      return Event{e};
    }
    case WF_REC_EXIT: {
      wf_exit_rec r;
      if (!read_at(p, size, 0, &r)) break;
      return Event{exit_event(r)};
    }
    default:
      break;
  }
  ++malformed_;
  return std::nullopt;
}

// The (build-id, file offset) form of the stack, frame for frame with the
// addresses: still to be symbolized (module, function), which needs files.
void RecordConverter::stack_frames(const uint8_t* p, std::size_t size, std::size_t at, std::size_t bytes,
                                   std::size_t raw_addresses, SyscallEvent& e) {
  static_assert(sizeof(bpf_stack_build_id) == WF_STACK_ID_SIZE);
  static_assert(sizeof(wf_syscall_rec) == 96, "every reported call carries this header: keep it small");
  // Both walks see the same stack; if their lengths differ, addresses are not paired.
  const std::size_t n = bytes / sizeof(bpf_stack_build_id);
  const bool paired = n == raw_addresses;
  for (std::size_t i = 0; i < n && at + (i + 1) * sizeof(bpf_stack_build_id) <= size; ++i) {
    bpf_stack_build_id id;
    std::memcpy(&id, p + at + i * sizeof id, sizeof id);
    symbolize::UserFrame f;
    f.activation = i == 0;
    if (i >= e.user_stack.size() && paired) break;  // cut with the addresses (see above)
    if (id.status == BPF_STACK_BUILD_ID_VALID) {
      f.build_id = symbolize::to_hex(id.build_id, sizeof id.build_id);
      // A 160-bit SHA-1 fills the field; shorter ids (md5, uuid: 16) are zero-padded.
      while (f.build_id.size() > 16 && f.build_id.compare(f.build_id.size() - 8, 8, "00000000") == 0)
        f.build_id.resize(f.build_id.size() - 8);
      f.offset = id.offset;
      f.address = paired ? e.user_stack[i] : 0;
      ++stack_ids_valid_;
    } else if (id.status == BPF_STACK_BUILD_ID_IP) {
      if (id.ip >= kUserSpaceEnd) break;
      f.address = id.ip;
      ++stack_ids_ip_;
    } else {
      break;  // EMPTY: the end of the stack
    }
    e.user_frames.push_back(std::move(f));
  }
}

std::optional<Event> RecordConverter::syscall(const uint8_t* p, std::size_t size) {
  wf_syscall_rec r;
  if (!read_at(p, size, 0, &r)) {
    ++malformed_;
    return std::nullopt;
  }
  SyscallEvent e;
  e.seq = ++seq_;
  e.pid = static_cast<pid_t>(r.pid);
  e.tid = static_cast<pid_t>(r.tid);
  e.nr = static_cast<int>(r.nr);
  for (int i = 0; i < 6; ++i) e.args[i] = r.args[i];
  e.ret = r.ret;
  e.finished = true;
  // 0: the kernel did not stamp it (LoaderOptions::timestamps off).
  const uint64_t ts = r.h.ts_ns != 0 ? r.h.ts_ns : read_ns_;
  e.exit_ns = ts;
  e.enter_ns = r.enter_ns != 0 ? r.enter_ns : ts;

  std::size_t off = sizeof r;
  for (unsigned c = 0; c < r.ncaps; ++c) {
    wf_cap_hdr ch;
    if (!read_at(p, size, off, &ch) || ch.arg > 5) {
      ++malformed_;
      return std::nullopt;
    }
    const std::size_t bytes_at = off + sizeof ch;
    const std::size_t parts_at = bytes_at + ch.len;
    const std::size_t used = sizeof ch + ch.len + ch.nparts * sizeof(uint16_t);
    if (off + used > size) {
      ++malformed_;
      return std::nullopt;
    }
    CapturedBytes cb;
    cb.bytes.assign(reinterpret_cast<const char*>(p + bytes_at), ch.len);
    cb.truncated = (ch.flags & WF_CAPF_TRUNCATED) != 0;
    cb.fault = (ch.flags & WF_CAPF_FAULT) != 0;
    for (unsigned i = 0; i < ch.nparts; ++i) {
      uint16_t end;
      std::memcpy(&end, p + parts_at + i * sizeof end, sizeof end);
      cb.parts.push_back(end);
    }
    cb.elements_total = ch.total;
    e.captured[ch.arg] = std::move(cb);
    off += (used + 7) & ~std::size_t{7};
  }
  const std::size_t ids_at = off + r.stack_bytes;
  for (std::size_t i = 0; i + 8 <= r.stack_bytes && off + 8 <= size; i += 8, off += 8) {
    uint64_t ip;
    std::memcpy(&ip, p + off, sizeof ip);
    // 0 ends the stack; an address no user mapping can have (above 2^56,
    // the top of user space even with 5-level paging) is a frame-pointer
    // walk gone astray in code built without frame pointers: so is the rest.
    if (ip == 0 || ip >= kUserSpaceEnd) break;
    e.user_stack.push_back(ip);
  }
  stack_frames(p, size, ids_at, std::size_t{r.stack_ids} * WF_STACK_ID_SIZE, r.stack_bytes / 8, e);
  return Event{std::move(e)};
}

}  // namespace whyfail::trace::bpf
