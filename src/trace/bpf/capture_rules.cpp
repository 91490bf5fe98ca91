#include "capture_rules.h"

#include <sys/syscall.h>

#include <algorithm>

#include "sysent/capture.h"
#include "sysent/syscall_info.h"

namespace whyfail::trace::bpf {

namespace {

uint16_t clamp_limit(std::size_t want) {
  return static_cast<uint16_t>(std::min<std::size_t>(want, WF_CAP_MAX));
}

uint8_t kind_of(sysent::CaptureKind k) {
  switch (k) {
    case sysent::CaptureKind::None: return WF_CAP_NONE;
    case sysent::CaptureKind::CString: return WF_CAP_CSTRING;
    case sysent::CaptureKind::StringArray: return WF_CAP_STRARRAY;
    case sysent::CaptureKind::Buffer: return WF_CAP_BUFFER;
    case sysent::CaptureKind::Iovec: return WF_CAP_IOVEC;
    case sysent::CaptureKind::Struct: return WF_CAP_STRUCT;
    case sysent::CaptureKind::Sockaddr: return WF_CAP_SOCKADDR;
    case sysent::CaptureKind::PerfAttr: return WF_CAP_PERFATTR;
  }
  return WF_CAP_NONE;
}

uint8_t when_of(sysent::CaptureWhen w) {
  switch (w) {
    case sysent::CaptureWhen::Entry: return WF_WHEN_ENTRY;
    case sysent::CaptureWhen::Exit: return WF_WHEN_EXIT;
    case sysent::CaptureWhen::EntryAndExit: return WF_WHEN_BOTH;
  }
  return WF_WHEN_ENTRY;
}

uint8_t size_from_of(sysent::SizeFrom s) {
  switch (s) {
    case sysent::SizeFrom::None: return WF_SIZE_NONE;
    case sysent::SizeFrom::Arg: return WF_SIZE_ARG;
    case sysent::SizeFrom::Ret: return WF_SIZE_RET;
  }
  return WF_SIZE_NONE;
}

// How many bytes one capture may take, from -s, the path limit, or the struct size.
uint16_t limit_for(const sysent::ArgCapture& c, const TraceSpec& spec) {
  switch (c.kind) {
    case sysent::CaptureKind::CString:
      return clamp_limit(c.is_path ? spec.path_limit : spec.string_limit);
    case sysent::CaptureKind::Buffer:
    case sysent::CaptureKind::Iovec:
      return clamp_limit(spec.string_limit);
    case sysent::CaptureKind::StringArray:
      return clamp_limit(spec.string_limit);  // per string; all strings share WF_CAP_MAX
    case sysent::CaptureKind::Struct:
    case sysent::CaptureKind::Sockaddr:
      return clamp_limit(c.fixed_size);
    case sysent::CaptureKind::PerfAttr:
      return clamp_limit(512);  // the ptrace backend's bound too
    case sysent::CaptureKind::None:
      return 0;
  }
  return 0;
}

bool is_write_family(int nr) {
  // The program's own error text goes out through these: the culprit needs it.
  return nr == SYS_write || nr == SYS_writev || nr == SYS_pwrite64;
}

bool is_exec(int nr) { return nr == SYS_execve || nr == SYS_execveat; }

}  // namespace

bool needs_entry_stash(const TraceSpec& spec) { return !spec.only_failures; }

std::vector<wf_rule> build_capture_rules(const TraceSpec& spec) {
  std::vector<wf_rule> rules(WF_MAX_SYSCALLS);
  // An empty set means the caller did not restrict: trace everything.
  const bool all = spec.syscalls.none() || spec.syscalls.all();
  for (int nr = 0; nr < WF_MAX_SYSCALLS; ++nr) {
    wf_rule& r = rules[nr];
    if (!all && !(static_cast<std::size_t>(nr) < spec.syscalls.size() && spec.syscalls.test(nr))) continue;
    r.flags = WF_RULE_TRACED;
    if (is_write_family(nr) && !spec.system_wide) r.flags |= WF_RULE_ALWAYS;
    if (is_exec(nr) && needs_entry_stash(spec)) r.flags |= WF_RULE_STASH;
    // rt_sigreturn (its restored rax may look like a failure, -EINTR), exit and
    // exit_group (unfinished) stay traced in failures-only mode: the ptrace
    // backend reports them too, and the culprit judges them.
    const sysent::SyscallInfo* info = sysent::syscall_by_nr(nr);
    if (info == nullptr || !info->known_signature) continue;
    for (int a = 0; a < info->nargs && a < 6 && r.ncaps < WF_MAX_CAPS; ++a) {
      const sysent::ArgInfo& ai = info->args[a];
      const sysent::ArgCapture c = sysent::capture_for(ai.type);
      if (c.kind == sysent::CaptureKind::None) continue;
      wf_cap_rule& cr = r.caps[r.ncaps++];
      cr.arg = static_cast<uint8_t>(a);
      cr.kind = kind_of(c.kind);
      cr.when = when_of(c.when);
      cr.size_from = size_from_of(c.size_from);
      cr.len_arg = ai.len_arg >= 0 && ai.len_arg < 6 ? static_cast<uint8_t>(ai.len_arg) : 0xff;
      cr.elem_size = ai.type == sysent::ArgType::PollFds ? 8 : 1;  // struct pollfd
      cr.limit = limit_for(c, spec);
      // Successful writes are not shown in failures-only mode; their bytes
      // are the program's messages, which the culprit reads: take more.
      if (spec.only_failures && is_write_family(nr) && c.kind != sysent::CaptureKind::None)
        cr.limit = clamp_limit(std::max(spec.string_limit, spec.message_limit));
    }
  }
  return rules;
}

}  // namespace whyfail::trace::bpf
