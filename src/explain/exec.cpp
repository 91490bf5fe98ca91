// execve/execveat: the file itself (permission, noexec mount, format) and
// what the kernel loads next (the #! interpreter, the ELF PT_INTERP loader).
#include <elf.h>
#include <fcntl.h>
#include <linux/limits.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "explain/families.h"
#include "explain/path_errors.h"
#include "explain/path_walk.h"
#include "explain/text.h"
#include "util/fd.h"

namespace whyfail::explain {

namespace {

// Per-string limit of execve (MAX_ARG_STRLEN: 32 pages).
constexpr size_t kMaxArgStrlen = 32 * 4096;

std::string read_head(int opath_fd, size_t len, off_t offset = 0) {
  std::string p = "/proc/self/fd/" + std::to_string(opath_fd);
  UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return {};
  std::string buf(len, '\0');
  ssize_t n = ::pread(fd.get(), buf.data(), len, offset);
  buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return buf;
}

std::string hex_bytes(const std::string& b, size_t max) {
  std::string out;
  char tmp[4];
  for (size_t i = 0; i < b.size() && i < max; ++i) {
    std::snprintf(tmp, sizeof tmp, "%02x", static_cast<unsigned char>(b[i]));
    if (!out.empty()) out += ' ';
    out += tmp;
  }
  return out;
}

// The interpreter a script names: "#!/usr/bin/env python3" -> "/usr/bin/env".
std::string shebang_interpreter(const std::string& head, std::string* line) {
  size_t end = head.find('\n');
  std::string l = head.substr(2, end == std::string::npos ? std::string::npos : end - 2);
  if (line) *line = l;
  size_t b = l.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  size_t e = l.find_first_of(" \t", b);
  return l.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

// PT_INTERP of an ELF file, or "" when it has none or the header is damaged.
std::string elf_interpreter(int opath_fd, const std::string& head) {
  if (head.size() < sizeof(Elf64_Ehdr) || head[EI_CLASS] != ELFCLASS64) return {};
  Elf64_Ehdr eh;
  std::memcpy(&eh, head.data(), sizeof eh);
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 256) return {};
  std::string ph = read_head(opath_fd, sizeof(Elf64_Phdr) * eh.e_phnum, static_cast<off_t>(eh.e_phoff));
  for (size_t i = 0; i + sizeof(Elf64_Phdr) <= ph.size(); i += sizeof(Elf64_Phdr)) {
    Elf64_Phdr p;
    std::memcpy(&p, ph.data() + i, sizeof p);
    if (p.p_type != PT_INTERP) continue;
    if (p.p_filesz == 0 || p.p_filesz > PATH_MAX) return {};
    std::string s = read_head(opath_fd, p.p_filesz, static_cast<off_t>(p.p_offset));
    size_t nul = s.find('\0');
    return nul == std::string::npos ? s : s.substr(0, nul);
  }
  return {};
}

std::vector<Cause> interpreter_causes(const Call& call, const std::string& file, const std::string& interp,
                                      const std::string& line, bool elf) {
  std::vector<Cause> out;
  WalkOptions o;
  WalkResult iw = walk_path(call.proc(), interp, o);
  std::string what = elf ? "ELF interpreter (PT_INTERP) " : "#! interpreter ";
  if (iw.status == WalkStatus::Ok && iw.final_exists) {
    if (call.err() == EACCES && !may_access(call.proc().creds(), iw.final_st, X_OK)) {
      Cause c = make_cause("exec.interpreter-not-executable",
                           quote(file) + " names the " + what + quote(interp) + ", which is not executable (" +
                               describe_inode(iw.final_st) + ")",
                           "make " + quote(interp) + " executable");
      c.evidence.push_back(access_denial(call.proc().creds(), iw.final_st, X_OK));
      out.push_back(c);
    }
    return out;
  }
  std::string text = quote(file) + " exists, but its " + what + quote(interp) + " does not";
  if (!line.empty() && line.back() == '\r')
    text += " (the #! line ends in a carriage return: the file has DOS line endings)";
  Cause c = make_cause(elf ? "exec.elf-interpreter-missing" : "exec.interpreter-missing", text,
                       elf ? "install the loader/libc the binary was built for, or rebuild it for this system"
                           : "install " + quote(interp) + " or fix the #! line");
  if (!elf) c.evidence.push_back("first line: #!" + escape(line));
  for (auto& wc : walk_failure_causes(call, iw, interp)) c.evidence.push_back(wc.text);
  out.push_back(c);
  return out;
}

std::vector<Cause> e2big_causes(const Call& call, int argv_arg, int envp_arg) {
  std::vector<Cause> out;
  size_t total = 0, longest = 0, count = 0;
  bool have = false;
  for (int a : {argv_arg, envp_arg}) {
    const auto& cap = call.event().captured[static_cast<size_t>(a)];
    if (!cap) continue;
    have = true;
    uint32_t prev = 0;
    for (uint32_t end : cap->parts) {
      size_t len = end >= prev ? end - prev : 0;
      total += len + 1 + sizeof(void*);  // the string, its NUL and its pointer
      longest = std::max(longest, len);
      prev = end;
      ++count;
    }
    if (cap->truncated) total = std::max(total, cap->bytes.size());
  }
  Limit stack = call.proc().limit(RLIMIT_STACK);
  std::string limit_text = "unknown";
  if (stack.known) {
    // The kernel allows a quarter of the stack limit for argv+envp (and at least 32 pages).
    uint64_t lim = stack.soft ? std::max<uint64_t>(*stack.soft / 4, 32 * 4096) : 0;
    limit_text = stack.soft ? std::to_string(lim) + " bytes (RLIMIT_STACK " + std::to_string(*stack.soft) + " / 4)"
                            : "unlimited stack: 3/4 of the 6 GiB stack cap";
  }
  if (!have) {
    out.push_back(unchecked_cause("the size of argv and envp", "the arrays were not captured"));
    return out;
  }
  if (longest > kMaxArgStrlen) {
    out.push_back(make_cause("exec.arg-too-long",
                             "one argument or environment string is " + std::to_string(longest) +
                                 " bytes; each may be at most " + std::to_string(kMaxArgStrlen) + " (MAX_ARG_STRLEN)",
                             "pass the data in a file or through stdin"));
  }
  out.push_back(make_cause("exec.args-too-big",
                           "argv and envp hold " + std::to_string(count) + " strings, about " + std::to_string(total) +
                               " bytes; the limit is " + limit_text,
                           "pass fewer arguments (xargs), shrink the environment, or raise ulimit -s"));
  return out;
}

}  // namespace

std::vector<Cause> explain_exec(const Call& call) {
  std::vector<Cause> out;
  bool at = call.nr() == SYS_execveat;
  int path_arg = at ? 1 : 0;
  std::string why;
  auto path = call.string_arg(path_arg, &why);
  if (call.err() == E2BIG) return e2big_causes(call, at ? 2 : 1, at ? 3 : 2);
  if (!path) return {unchecked_cause("the program path", why)};

  WalkOptions opts;
  if (at) {
    opts.dirfd = call.int_arg(0);
    int flags = call.int_arg(4);
    if (flags & AT_SYMLINK_NOFOLLOW) opts.follow_final = false;
    if (flags & AT_EMPTY_PATH) opts.empty_path_ok = true;
  }
  WalkResult w = walk_path(call.proc(), *path, opts);
  if (w.status != WalkStatus::Ok) return walk_failure_causes(call, w, *path);
  if (!w.final_exists) return out;

  const Creds& creds = call.proc().creds();
  // Only regular files are read: opening a device could have side effects.
  std::string head = S_ISREG(w.final_st.st_mode) ? read_head(w.final_fd.get(), 256) : std::string();
  switch (call.err()) {
    case EACCES: {
      if (!S_ISREG(w.final_st.st_mode)) {
        out.push_back(make_cause("exec.not-regular-file",
                                 quote(w.final_path) + " is a " + file_type(w.final_st.st_mode) +
                                     "; only regular files can be executed",
                                 "run a program file"));
        break;
      }
      if (!may_access(creds, w.final_st, X_OK)) {
        Cause c = make_cause("exec.not-executable",
                             quote(w.final_path) + " is not executable for uid " + std::to_string(creds.fsuid) +
                                 " (" + describe_inode(w.final_st) + ")",
                             "chmod +x " + quote(w.final_path) + ", or run it through its interpreter");
        c.evidence.push_back(access_denial(creds, w.final_st, X_OK));
        out.push_back(c);
        break;
      }
      if (auto m = mount_of(call.proc(), w.final_fd.get()); m && m->has_option("noexec")) {
        out.push_back(make_cause("exec.noexec-mount",
                                 quote(w.final_path) + " is on " + mount_text(*m) +
                                     ", mounted noexec: nothing on it may be executed",
                                 "copy it to a filesystem without noexec or remount " + quote(m->mount_point) +
                                     " with exec"));
        break;
      }
      if (head.size() >= 2 && head[0] == '#' && head[1] == '!') {
        std::string line;
        std::string interp = shebang_interpreter(head, &line);
        out = interpreter_causes(call, w.final_path, interp, line, false);
      }
      break;
    }
    case ENOENT: {
      if (head.size() >= 2 && head[0] == '#' && head[1] == '!') {
        std::string line;
        std::string interp = shebang_interpreter(head, &line);
        if (!interp.empty()) out = interpreter_causes(call, w.final_path, interp, line, false);
      } else if (head.size() >= 4 && std::memcmp(head.data(), ELFMAG, SELFMAG) == 0) {
        std::string interp = elf_interpreter(w.final_fd.get(), head);
        if (!interp.empty()) out = interpreter_causes(call, w.final_path, interp, "", true);
      }
      break;
    }
    case ENOEXEC: {
      std::string what;
      if (head.size() >= 4 && std::memcmp(head.data(), ELFMAG, SELFMAG) == 0) {
        Elf64_Ehdr eh{};
        std::memcpy(&eh, head.data(), std::min(head.size(), sizeof eh));
        what = "an ELF file of class " + std::to_string(static_cast<int>(static_cast<unsigned char>(head[EI_CLASS]))) +
               ", machine " + std::to_string(eh.e_machine) + " (this system runs x86_64 = " +
               std::to_string(EM_X86_64) + ")";
        out.push_back(make_cause("exec.wrong-architecture",
                                 quote(w.final_path) + " is " + what + ", which this kernel cannot run",
                                 "use a build for this architecture"));
      } else {
        out.push_back(make_cause("exec.bad-format",
                                 quote(w.final_path) + " has no valid executable header (neither ELF nor #!): it starts with " +
                                     (head.empty() ? std::string("nothing (empty file)") : hex_bytes(head, 16) + " " + quote(head.substr(0, 16))),
                                 "add a #! line naming its interpreter, or run it through one (sh FILE)"));
      }
      break;
    }
    case ETXTBSY: {
      auto writers = processes_writing(w.final_st);
      std::string list;
      for (const auto& r : writers) list += (list.empty() ? "" : ", ") + r;
      if (!writers.empty())
        out.push_back(make_cause("path.text-busy",
                                 quote(w.final_path) + " is open for writing by process " + list +
                                     "; a file open for writing cannot be executed",
                                 "close the writer before executing the file"));
      else
        out.push_back(unchecked_cause("which process writes " + quote(w.final_path), "no process has it open for writing any more"));
      break;
    }
    default:
      break;
  }
  return out;
}

}  // namespace whyfail::explain
