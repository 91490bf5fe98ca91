// A fresh cgroup v2 directory for one test, removed at the end (its
// processes must have exited by then). `skip` says why there is none.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

struct TempCgroup {
  std::string root;  // the cgroup v2 mount
  std::string name;  // relative to it, as --cgroup takes it
  std::string dir;   // absolute
  std::string skip;

  explicit TempCgroup(const std::string& tag) {
    if (geteuid() != 0) {
      skip = "needs root for BPF and cgroups";
      return;
    }
    std::ifstream in("/proc/self/mounts");
    std::string dev, mnt, type, rest;
    while (in >> dev >> mnt >> type && std::getline(in, rest))
      if (type == "cgroup2") {
        root = mnt;
        break;
      }
    if (root.empty()) {
      skip = "no cgroup v2 mount";
      return;
    }
    name = "whyfail-" + tag + "-" + std::to_string(getpid());
    dir = root + "/" + name;
    if (mkdir(dir.c_str(), 0755) != 0) skip = "cgroup v2 not writable: mkdir " + dir + ": " + std::strerror(errno);
  }
  ~TempCgroup() {
    if (skip.empty()) rmdir(dir.c_str());
  }
  // In a forked child: move the calling process in (false when refused).
  bool enter() const {
    std::ofstream procs(dir + "/cgroup.procs");
    procs << getpid() << std::flush;
    return static_cast<bool>(procs);
  }
};
