// From the function returns recorded during one failing syscall to its
// origin: the deepest function that returned the error value without having
// received it from a callee, the chain that carried it up, and the nested
// graph of the invocation. Pure data in, data out: unit-tested without a kernel.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "trace/event.h"

namespace whyfail::origin {

// One recorded return, as the BPF side saw it.
struct FunctionReturn {
  uint64_t ip = 0;    // function entry address
  uint64_t ret = 0;   // raw return register
  uint64_t sp = 0;    // a stack address at the return: lower = called deeper
  uint64_t caller = 0;  // return address into the caller (its call site); 0: unknown
};

// What user space knows of a traced function.
struct FunctionInfo {
  std::string name;
  uint64_t address = 0;
  int ret_size = 8;   // 4: int-like (upper half of the register is garbage), 8: long/pointer,
                      // 1: bool/char: nests others, never carries an errno
};

// ip -> FunctionInfo (null when unknown).
using FunctionResolver = std::function<const FunctionInfo*(uint64_t ip)>;

// The returns of one invocation nested by stack depth: node i's children
// returned before it, deeper on the stack.
struct CallNode {
  size_t index = 0;               // into the returns
  std::vector<size_t> children;   // node ids, in call order
  int parent = -1;
};
struct CallTree {
  std::vector<CallNode> nodes;    // node id == return index
  std::vector<size_t> roots;      // outermost traced calls, in order
};
// With kretprobes a tail call (jmp) shares its caller's frame: callee and
// caller return at the same stack address. `tail_calls_share_frame` nests the
// return just before when it has the same stack address and the same raw value
// (a tail call passes its callee's value on unchanged). fexit trampolines are
// real frames, so nesting is exact there.
CallTree build_call_tree(const std::vector<FunctionReturn>& returns, bool tail_calls_share_frame = false);

// The value as the function's C return type has it (int: low 32 bits).
int64_t return_value(const FunctionReturn& r, const FunctionInfo* info);

// Whether `addr` lies inside the function starting at `entry` (kallsyms knows;
// a tail call or a return into untraced code lands elsewhere). Null: accept
// addresses up to 64 KiB past the entry.
using ContainsCheck = std::function<bool(uint64_t entry, uint64_t addr)>;

// Finds the origin of `syscall_ret` (a -errno) in the returns. Frame offsets
// come from the recorded call sites: a caller's is where it called the next
// function down the chain; the origin's is the return address of the last
// traced function it called (the error was made after it), else 0.
trace::KernelOrigin find_origin(const std::vector<FunctionReturn>& returns, int64_t syscall_ret,
                                const FunctionResolver& resolve, bool tail_calls_share_frame = false,
                                const ContainsCheck& contains = nullptr);

// Where a failing invocation parted from a successful one of the same
// syscall: walks both call trees in call order and stops at the first traced
// return that differs (another function, or the same one with a different
// outcome: another error, error vs success, NULL vs not, another bool).
// Differences inside it come first (they happened before it returned).
// When every traced return matches, the parting is in untraced code and is
// reported at the top level with the two syscall results.
trace::KernelDivergence find_divergence(const std::vector<FunctionReturn>& failing, int64_t failing_ret,
                                        const std::vector<FunctionReturn>& succeeding, int64_t succeeding_ret,
                                        const FunctionResolver& resolve, bool tail_calls_share_frame = false);

}  // namespace whyfail::origin
