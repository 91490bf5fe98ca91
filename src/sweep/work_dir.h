// A fresh copy of the command's working directory per run, so that what one trial
// writes (or fails to write) is seen by nobody else, and a snapshot of what a run left
// in it, compared with the clean run's.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "util/result.h"

namespace whyfail::sweep {

// Bytes of regular files under `dir` (symlinks not followed); fails above `limit`
// with a hint naming --max-copy and --in-place.
Result<uint64_t> tree_size(const std::string& dir, uint64_t limit);

// Copies `from` into the new directory `to` (symlinks as symlinks, modes kept).
Result<void> copy_tree(const std::string& from, const std::string& to);

// Removes `dir` and everything under it; errors are ignored (best effort cleanup).
void remove_tree(const std::string& dir);

// What a run left in its directory: relative path -> type and content digest.
using Snapshot = std::map<std::string, std::string>;

Snapshot snapshot_tree(const std::string& dir);

// Paths whose entry differs (added, removed, changed), sorted; `ignore` are left out.
std::vector<std::string> changed_paths(const Snapshot& a, const Snapshot& b,
                                       const std::vector<std::string>& ignore = {});

// A new empty directory under $TMPDIR (or /tmp): "/tmp/whyfail-sweep.XXXXXX".
Result<std::string> make_temp_root();

}  // namespace whyfail::sweep
