// The x86_64 syscall table: names and numbers from the generated
// syscall_names_x86_64.inc, merged with the hand-checked signatures of
// syscall_signatures_x86_64.def. Built once, on first use.
#include <string>
#include <unordered_map>

#include "sysent/syscall_info.h"

namespace whyfail::sysent {

namespace {

struct NameEntry {
  int nr;
  std::string_view name;
};

constexpr NameEntry kNames[] = {
#define SYSCALL_NAME(nr, name) {nr, #name},
#include "sysent/syscall_names_x86_64.inc"
#undef SYSCALL_NAME
};

struct Signature {
  std::string_view name;
  uint16_t classes;
  RetType ret;
  std::initializer_list<ArgInfo> args;
};

// Short class names so each .def line stays one readable line.
constexpr uint16_t TF = kClassFile, TD = kClassDesc, TN = kClassNetwork, TP = kClassProcess,
                   TM = kClassMemory, TS = kClassSignal, TI = kClassIpc, TC = kClassCreds,
                   TCL = kClassClock, TST = kClassStat;

const Signature kSignatures[] = {
#define A(type) ArgInfo{ArgType::type, -1}
#define L(type, len) ArgInfo{ArgType::type, len}
#define SYSCALL(name, classes, ret, ...) {#name, static_cast<uint16_t>(classes), RetType::ret, {__VA_ARGS__}},
#include "sysent/syscall_signatures_x86_64.def"
#undef SYSCALL
#undef L
#undef A
};

struct Table {
  std::vector<SyscallInfo> entries;              // ordered by number
  std::vector<int> index_by_nr;                  // nr -> index into entries, -1 if none
  std::unordered_map<std::string_view, int> index_by_name;
};

Table build() {
  Table t;
  int max_nr = -1;
  for (const auto& n : kNames) max_nr = std::max(max_nr, n.nr);
  t.index_by_nr.assign(static_cast<size_t>(max_nr + 1), -1);
  for (const auto& n : kNames) {
    SyscallInfo info;
    info.nr = n.nr;
    info.name = n.name;
    info.nargs = 6;  // unknown signature: show every register
    t.index_by_nr[static_cast<size_t>(n.nr)] = static_cast<int>(t.entries.size());
    t.index_by_name.emplace(n.name, static_cast<int>(t.entries.size()));
    t.entries.push_back(info);
  }
  for (const auto& s : kSignatures) {
    auto it = t.index_by_name.find(s.name);
    // A signature for a name the header lacks is a bug in the .def file; the
    // unit test catches it, at run time it is ignored.
    if (it == t.index_by_name.end()) continue;
    SyscallInfo& info = t.entries[static_cast<size_t>(it->second)];
    info.known_signature = true;
    info.classes = s.classes;
    info.ret = s.ret;
    info.nargs = static_cast<uint8_t>(s.args.size());
    size_t i = 0;
    for (const ArgInfo& a : s.args) info.args[i++] = a;
  }
  return t;
}

const Table& table() {
  static const Table t = build();
  return t;
}

}  // namespace

int syscall_count() { return static_cast<int>(table().index_by_nr.size()); }

const SyscallInfo* syscall_by_nr(int nr) {
  const Table& t = table();
  if (nr < 0 || static_cast<size_t>(nr) >= t.index_by_nr.size()) return nullptr;
  int idx = t.index_by_nr[static_cast<size_t>(nr)];
  return idx < 0 ? nullptr : &t.entries[static_cast<size_t>(idx)];
}

const SyscallInfo* syscall_by_name(std::string_view name) {
  const Table& t = table();
  auto it = t.index_by_name.find(name);
  return it == t.index_by_name.end() ? nullptr : &t.entries[static_cast<size_t>(it->second)];
}

const std::vector<SyscallInfo>& all_syscalls() { return table().entries; }

std::vector<std::string_view> signature_names() {
  std::vector<std::string_view> names;
  for (const auto& s : kSignatures) names.push_back(s.name);
  return names;
}

}  // namespace whyfail::sysent
