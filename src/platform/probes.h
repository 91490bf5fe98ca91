// One probe per feature. Each tries the thing itself (loads the program,
// opens the event, attaches the tracer) and keeps the reason it failed, so
// `whyfail doctor` and the backend chooser can tell the user what they lose
// and what to change. probe_all() (features.h) runs them all.
#pragma once

#include "platform/features.h"

namespace whyfail::platform {

// ptrace_probe.cpp
Feature probe_ptrace();         // PTRACE_SEIZE of a child, Yama scope, CAP_SYS_PTRACE
Feature probe_seccomp();        // install a filter in a child; SECCOMP_RET_TRACE available

// bpf_probe.cpp
Feature probe_bpf();            // bpf(): load a trivial socket filter
Feature probe_btf();            // /sys/kernel/btf/vmlinux parses
Feature probe_bpf_tracepoint(); // load + attach a tracepoint program to raw_syscalls:sys_exit
Feature probe_ringbuf();        // create a BPF_MAP_TYPE_RINGBUF
Feature probe_fexit();          // load + attach BPF_TRACE_FEXIT to a kernel function
Feature probe_kprobe_multi();   // link a kprobe program with BPF_TRACE_KPROBE_MULTI (fprobe)

// tracing_probe.cpp
Feature probe_tracefs();        // mounted (or mount it)
Feature probe_kprobes();        // kprobe PMU, kprobe_events, CONFIG_KPROBES
Feature probe_function_graph(); // available_tracers
Feature probe_ftrace_filter();  // set_ftrace_filter writable (in a private tracefs instance)

// kernel_probe.cpp
Feature probe_lockdown();
Feature probe_perf_event_paranoid();
Feature probe_unprivileged_bpf();
Feature probe_kptr_restrict();  // and whether /proc/kallsyms shows real addresses
Feature probe_io_uring();       // kernel.io_uring_disabled, and io_uring_setup itself

// debuginfo_probe.cpp
Feature probe_vmlinux_debuginfo();
Feature probe_debuginfod();

}  // namespace whyfail::platform
