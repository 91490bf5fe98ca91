#include "explain/proc_state.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "util/fd.h"

namespace whyfail::explain {

namespace {

std::vector<std::string> split_ws(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::optional<uint64_t> to_u64(const std::string& s, int base = 10) {
  if (s.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, base);
  if (errno != 0 || end == s.c_str()) return std::nullopt;
  return v;
}

// /proc/PID/limits names each resource by a fixed label.
const char* limit_label(int resource) {
  switch (resource) {
    case RLIMIT_CPU: return "Max cpu time";
    case RLIMIT_FSIZE: return "Max file size";
    case RLIMIT_DATA: return "Max data size";
    case RLIMIT_STACK: return "Max stack size";
    case RLIMIT_CORE: return "Max core file size";
    case RLIMIT_RSS: return "Max resident set";
    case RLIMIT_NPROC: return "Max processes";
    case RLIMIT_NOFILE: return "Max open files";
    case RLIMIT_MEMLOCK: return "Max locked memory";
    case RLIMIT_AS: return "Max address space";
    case RLIMIT_LOCKS: return "Max file locks";
    case RLIMIT_SIGPENDING: return "Max pending signals";
    case RLIMIT_MSGQUEUE: return "Max msgqueue size";
    case RLIMIT_NICE: return "Max nice priority";
    case RLIMIT_RTPRIO: return "Max realtime priority";
    case RLIMIT_RTTIME: return "Max realtime timeout";
    default: return nullptr;
  }
}

void parse_ids(const std::string& value, unsigned* out4) {
  auto w = split_ws(value);
  for (size_t i = 0; i < 4 && i < w.size(); ++i) out4[i] = static_cast<unsigned>(to_u64(w[i]).value_or(0));
}

}  // namespace

std::optional<std::string> read_text_file(const std::string& path, size_t max) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) return std::nullopt;
  std::string out;
  char buf[8192];
  while (out.size() < max) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (out.empty()) return std::nullopt;
      break;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  if (out.size() > max) out.resize(max);
  return out;
}

std::optional<int64_t> read_sysctl_int(const std::string& path) {
  auto text = read_text_file(path, 4096);
  if (!text) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text->c_str(), &end, 10);
  if (errno != 0 || end == text->c_str()) return std::nullopt;
  return v;
}

std::optional<std::string> read_link(const std::string& path) {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
  if (n < 0) return std::nullopt;
  buf.resize(static_cast<size_t>(n));
  return buf;
}

std::string process_comm(pid_t pid) {
  auto t = read_text_file("/proc/" + std::to_string(pid) + "/comm", 256);
  if (!t) return {};
  while (!t->empty() && t->back() == '\n') t->pop_back();
  return *t;
}

bool Creds::in_group(gid_t gid) const {
  return gid == fsgid || std::find(groups.begin(), groups.end(), gid) != groups.end();
}

bool MountEntry::has_option(const std::string& opt) const {
  size_t start = 0;
  while (start <= options.size()) {
    size_t comma = options.find(',', start);
    if (comma == std::string::npos) comma = options.size();
    if (options.compare(start, comma - start, opt) == 0 && comma - start == opt.size()) return true;
    start = comma + 1;
  }
  return false;
}

ProcState::ProcState(pid_t pid) : pid_(pid) {
  if (pid <= 0) return;
  auto status = read_text_file(proc_path("status"));
  if (!status) return;
  std::istringstream in(*status);
  std::string line;
  bool have_uid = false;
  while (std::getline(in, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    if (key == "Name") {
      size_t b = value.find_first_not_of(" \t");
      creds_.comm = b == std::string::npos ? "" : value.substr(b);
    } else if (key == "Uid") {
      unsigned v[4] = {};
      parse_ids(value, v);
      creds_.ruid = v[0]; creds_.euid = v[1]; creds_.suid = v[2]; creds_.fsuid = v[3];
      have_uid = true;
    } else if (key == "Gid") {
      unsigned v[4] = {};
      parse_ids(value, v);
      creds_.rgid = v[0]; creds_.egid = v[1]; creds_.sgid = v[2]; creds_.fsgid = v[3];
    } else if (key == "Groups") {
      for (const auto& w : split_ws(value))
        if (auto g = to_u64(w)) creds_.groups.push_back(static_cast<gid_t>(*g));
    } else if (key == "CapEff") {
      auto w = split_ws(value);
      if (!w.empty()) creds_.cap_eff = to_u64(w[0], 16).value_or(0);
    } else if (key == "Seccomp") {
      auto w = split_ws(value);
      if (!w.empty()) creds_.seccomp = static_cast<int>(to_u64(w[0]).value_or(0));
    } else if (key == "NoNewPrivs") {
      auto w = split_ws(value);
      if (!w.empty()) creds_.no_new_privs = static_cast<int>(to_u64(w[0]).value_or(0));
    }
  }
  creds_.valid = have_uid;
}

bool ProcState::alive() const {
  struct stat st;
  return pid_ > 0 && ::stat(proc_path("").c_str(), &st) == 0;
}

std::string ProcState::proc_path(const std::string& rel) const {
  return "/proc/" + std::to_string(pid_) + "/" + rel;
}

std::optional<std::string> ProcState::cwd() const { return read_link(proc_path("cwd")); }
std::optional<std::string> ProcState::root() const { return read_link(proc_path("root")); }
std::optional<std::string> ProcState::fd_path(int fd) const {
  if (fd < 0) return std::nullopt;
  return read_link(proc_path("fd/" + std::to_string(fd)));
}

Limit ProcState::limit(int resource) const {
  Limit out;
  const char* label = limit_label(resource);
  if (!label) return out;
  auto text = read_text_file(proc_path("limits"));
  if (!text) return out;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(label, 0) != 0) continue;
    // Labels are padded to a fixed column; the values follow the label.
    auto w = split_ws(line.substr(std::string(label).size()));
    if (w.size() < 2) return out;
    auto parse = [](const std::string& s) -> std::optional<uint64_t> {
      if (s == "unlimited") return std::nullopt;
      return to_u64(s).value_or(0);
    };
    out.known = true;
    out.soft = parse(w[0]);
    out.hard = parse(w[1]);
    return out;
  }
  return out;
}

std::optional<FdEntry> ProcState::fd(int fd) const {
  if (fd < 0) return std::nullopt;
  auto target = fd_path(fd);
  if (!target) return std::nullopt;
  FdEntry e;
  e.fd = fd;
  e.target = *target;
  if (auto info = read_text_file(proc_path("fdinfo/" + std::to_string(fd)), 65536)) {
    e.has_info = true;
    std::istringstream in(*info);
    std::string line;
    while (std::getline(in, line)) {
      auto w = split_ws(line);
      if (w.size() < 2) continue;
      if (w[0] == "pos:") e.pos = to_u64(w[1]).value_or(0);
      else if (w[0] == "flags:") e.flags = static_cast<int>(to_u64(w[1], 8).value_or(0));
      else if (w[0] == "mnt_id:") e.mnt_id = static_cast<int>(to_u64(w[1]).value_or(0));
    }
  }
  return e;
}

std::vector<FdEntry> ProcState::fds() const {
  std::vector<int> numbers;
  if (DIR* d = ::opendir(proc_path("fd").c_str())) {
    while (dirent* ent = ::readdir(d)) {
      if (ent->d_name[0] == '.') continue;
      if (auto n = to_u64(ent->d_name)) numbers.push_back(static_cast<int>(*n));
    }
    ::closedir(d);
  }
  std::sort(numbers.begin(), numbers.end());
  std::vector<FdEntry> out;
  for (int n : numbers)
    if (auto e = fd(n)) out.push_back(*e);  // skips fds closed while we read
  return out;
}

size_t ProcState::fd_count() const {
  size_t n = 0;
  if (DIR* d = ::opendir(proc_path("fd").c_str())) {
    while (dirent* ent = ::readdir(d))
      if (ent->d_name[0] != '.') ++n;
    ::closedir(d);
  }
  return n;
}

std::vector<MountEntry> ProcState::mounts() const {
  std::vector<MountEntry> out;
  auto text = read_text_file(proc_path("mountinfo"), 8 << 20);
  if (!text) return out;
  std::istringstream in(*text);
  std::string line;
  auto unescape = [](const std::string& s) {
    // mountinfo escapes space, tab, newline and backslash as \ooo.
    std::string r;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 3 < s.size() &&
          s[i + 1] >= '0' && s[i + 1] <= '7' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
          s[i + 3] >= '0' && s[i + 3] <= '7') {
        r += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
        i += 3;
      } else {
        r += s[i];
      }
    }
    return r;
  };
  while (std::getline(in, line)) {
    auto w = split_ws(line);
    if (w.size() < 7) continue;
    MountEntry m;
    m.id = static_cast<int>(to_u64(w[0]).value_or(0));
    m.parent = static_cast<int>(to_u64(w[1]).value_or(0));
    size_t colon = w[2].find(':');
    if (colon != std::string::npos) {
      m.major = static_cast<unsigned>(to_u64(w[2].substr(0, colon)).value_or(0));
      m.minor = static_cast<unsigned>(to_u64(w[2].substr(colon + 1)).value_or(0));
    }
    m.root = unescape(w[3]);
    m.mount_point = unescape(w[4]);
    m.options = w[5];
    size_t dash = 6;
    while (dash < w.size() && w[dash] != "-") ++dash;
    if (dash + 1 < w.size()) m.fs_type = w[dash + 1];
    if (dash + 2 < w.size()) m.source = unescape(w[dash + 2]);
    if (dash + 3 < w.size()) m.super_options = w[dash + 3];
    out.push_back(std::move(m));
  }
  return out;
}

std::optional<MountEntry> ProcState::mount_by_id(int id) const {
  for (auto& m : mounts())
    if (m.id == id) return m;
  return std::nullopt;
}

std::optional<uint64_t> ProcState::status_number(const std::string& key) const {
  auto text = read_text_file(proc_path("status"));
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) != 0) continue;
    auto w = split_ws(line.substr(key.size() + 1));
    if (w.empty()) return std::nullopt;
    return to_u64(w[0]);
  }
  return std::nullopt;
}

size_t ProcState::map_count() const {
  auto text = read_text_file(proc_path("maps"), 64 << 20);
  if (!text) return 0;
  return static_cast<size_t>(std::count(text->begin(), text->end(), '\n'));
}

}  // namespace whyfail::explain
