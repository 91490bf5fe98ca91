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

// Finds the origin of `syscall_ret` (a -errno) in the returns.
trace::KernelOrigin find_origin(const std::vector<FunctionReturn>& returns, int64_t syscall_ret,
                                const FunctionResolver& resolve, bool tail_calls_share_frame = false);

}  // namespace whyfail::origin
