#include "sweep/work_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

namespace whyfail::sweep {
namespace fs = std::filesystem;
namespace {

// FNV-1a over the file's bytes: a change detector, not a security boundary.
std::string digest_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return "unreadable";
  uint64_t h = 1469598103934665603ull;
  char buf[65536];
  uint64_t size = 0;
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); i++) {
      h ^= static_cast<unsigned char>(buf[i]);
      h *= 1099511628211ull;
    }
    size += static_cast<uint64_t>(in.gcount());
  }
  return "file:" + std::to_string(size) + ":" + std::to_string(h);
}

}  // namespace

Result<uint64_t> tree_size(const std::string& dir, uint64_t limit) {
  std::error_code ec;
  uint64_t total = 0;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return fail(ec.value(), "cannot read the working directory " + dir);
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return fail(ec.value(), "cannot read the working directory " + dir);
    auto st = it->symlink_status(ec);
    if (!ec && fs::is_regular_file(st)) total += it->file_size(ec);
    if (total > limit) {
      return fail(0, "the working directory " + dir + " holds more than " + std::to_string(limit >> 20) +
                         " MiB, too much to copy for every trial",
                  "run the sweep from a smaller directory, raise --max-copy=MIB, or use --in-place");
    }
  }
  return total;
}

Result<void> copy_tree(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) return fail(ec.value(), "cannot copy " + from + " to " + to, "check free space in the temporary directory");
  return {};
}

void remove_tree(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

Snapshot snapshot_tree(const std::string& dir) {
  Snapshot snap;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) return snap;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const std::string rel = fs::relative(it->path(), dir, ec).string();
    auto st = it->symlink_status(ec);
    if (fs::is_symlink(st)) {
      snap[rel] = "link:" + fs::read_symlink(it->path(), ec).string();
    } else if (fs::is_directory(st)) {
      snap[rel] = "dir";
    } else if (fs::is_regular_file(st)) {
      snap[rel] = digest_file(it->path());
    } else {
      snap[rel] = "other";
    }
  }
  return snap;
}

std::vector<std::string> changed_paths(const Snapshot& a, const Snapshot& b, const std::vector<std::string>& ignore) {
  std::set<std::string> out;
  for (const auto& [path, digest] : a) {
    auto it = b.find(path);
    if (it == b.end() || it->second != digest) out.insert(path);
  }
  for (const auto& [path, digest] : b) {
    if (!a.count(path)) out.insert(path);
  }
  for (const auto& i : ignore) out.erase(i);
  return {out.begin(), out.end()};
}

Result<std::string> make_temp_root() {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/whyfail-sweep.XXXXXX";
  if (!::mkdtemp(templ.data())) return fail(errno, "cannot create a temporary directory " + templ, "set TMPDIR to a writable directory");
  return templ;
}

}  // namespace whyfail::sweep
