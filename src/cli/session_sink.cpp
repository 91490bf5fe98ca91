#include "cli/session_sink.h"

#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <type_traits>

#include "cli/signals.h"
#include "decode/fd_describe.h"
#include "explain/explainer.h"
#include "sysent/syscall_info.h"

namespace whyfail::cli {

namespace {

// Held text output while the outcome is unknown: bounded, the oldest lines go first.
constexpr std::size_t kMaxHeldBytes = 16u << 20;
// Decoded failures kept for the verdict (decoded while the fds could still be described).
constexpr std::size_t kMaxDecodedFailures = 4096;

}  // namespace

SessionSink::SessionSink(const Options& options, SyscallFilter display, report::Renderer& renderer,
                         Output& out, origin::KernelOriginSession* origin)
    : options_(options), display_(std::move(display)), renderer_(renderer), out_(out), origin_(origin),
      summary_(options.system) {
  if (options_.fd_paths) {
    decode_options_.describe_fd = [this](pid_t pid, int fd) {
      ++fd_lookups_;
      return decode::describe_fd(pid, fd);
    };
  }
  decode_options_.verbose = options_.verbose;
  memo_lines_ = !options_.json && options_.timestamps == report::Timestamps::None && !options_.relative &&
                !options_.durations && !options_.user_stacks && origin_ == nullptr;
  buffering_ = !options_.command.empty() && !options_.json && !options_.summary &&
               options_.status == StatusFilter::Failed && !options_.all_failures;
  for (pid_t pid : options_.pids) renderer_.note_process(pid);
}

std::string SessionSink::process_name(pid_t pid) {
  auto it = comm_cache_.find(pid);
  if (it != comm_cache_.end()) return it->second;
  std::string name = "?";
  if (std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/comm").c_str(), "re")) {
    char buf[64] = {};
    if (std::fgets(buf, sizeof buf, f)) {
      name = buf;
      if (!name.empty() && name.back() == '\n') name.pop_back();
    }
    std::fclose(f);
  }
  if (comm_cache_.size() > 65536) comm_cache_.clear();   // bounded under a long --system run
  return comm_cache_[pid] = name;
}

uint64_t SessionSink::failures_seen(pid_t pid) const {
  auto it = failures_by_pid_.find(pid);
  return it == failures_by_pid_.end() ? 0 : it->second;
}

bool SessionSink::shown(const trace::SyscallEvent& event) const {
  if (options_.summary) return false;
  if (event.nr < 0 || static_cast<std::size_t>(event.nr) >= display_.set.size() ||
      !display_.set.test(static_cast<std::size_t>(event.nr))) {
    return false;
  }
  switch (options_.status) {
    case StatusFilter::All: return true;
    case StatusFilter::Failed: return event.failed();
    case StatusFilter::Successful: return !event.failed();
  }
  return false;
}

void SessionSink::emit(std::string text, bool is_failure) {
  // -c prints the table instead of the trace (lost events still go out, see on_event).
  if (text.empty() || options_.summary) return;
  if (!buffering_) {
    out_.write(text);
    return;
  }
  held_bytes_ += text.size();
  held_.emplace_back(std::move(text), is_failure);
  while (held_bytes_ > kMaxHeldBytes && !held_.empty()) {
    held_bytes_ -= held_.front().first.size();
    if (held_.front().second) ++failures_hidden_;
    held_.pop_front();
    ++held_dropped_;
  }
}

void SessionSink::release_buffer(bool show) {
  if (show) {
    if (held_dropped_) {
      out_.write(fmt::format("whyfail: {} earlier lines were not kept (over {} MiB); "
                             "--all-failures prints them as they happen\n",
                             held_dropped_, kMaxHeldBytes >> 20));
    }
    for (const auto& [text, failure] : held_) out_.write(text);
  } else {
    for (const auto& [text, failure] : held_) failures_hidden_ += failure ? 1 : 0;
  }
  held_.clear();
  held_bytes_ = 0;
  buffering_ = false;
}

void SessionSink::remember_decoded(uint64_t seq, const decode::DecodedCall& call) {
  decoded_failures_[seq] = call;
  while (decoded_failures_.size() > kMaxDecodedFailures) decoded_failures_.erase(decoded_failures_.begin());
}

decode::DecodedCall SessionSink::decoded(const trace::SyscallEvent& event) const {
  if (auto it = decoded_failures_.find(event.seq); it != decoded_failures_.end()) return it->second;
  return decode::decode_syscall(event, decode_options_);
}

void SessionSink::handle(const trace::SyscallEvent& event, bool live) {
  if (origin_ && event.failed() && !event.kernel) {
    trace::SyscallEvent annotated = event;   // the backend's event is const
    origin_->annotate(annotated);
    handle_annotated(annotated, live);
    return;
  }
  handle_annotated(event, live);
}

void SessionSink::handle_annotated(const trace::SyscallEvent& event, bool live) {
  const bool failed = event.failed();
  const explain::Explanation* explanation = nullptr;
  bool repeat = false;   // an identical failure (same process, call, args, bytes) was seen before
  if (failed) {
    ++failures_seen_;
    ++failures_by_pid_[event.pid];
    explanation = cache_.find(event);
    repeat = explanation != nullptr;
    if (!explanation) {
      explanation = &cache_.insert(event, explain::explain_failure(event, explain::ExplainContext{live}));
    }
  }
  finder_.observe(event);
  if (failed) finder_.set_explanation(event.seq, *explanation);

  const bool show = shown(event);
  if (!show && !failed && !options_.summary) return;
  if (show && failed && repeat && memo_lines_) {
    if (const std::string* line = line_memo_.find(event, explanation)) {
      emit(*line, true);
      return;
    }
  }
  decode::DecodedCall call;
  const uint64_t fd_lookups_before = fd_lookups_;
  if (show || failed) {
    call = decode::decode_syscall(event, decode_options_);
  } else {
    const auto* info = sysent::syscall_by_nr(event.nr);
    call.name = info ? std::string(info->name) : "syscall_" + std::to_string(event.nr);
    call.err = event.error();
    call.errno_name = call.err ? decode::errno_name(call.err) : std::string();
  }
  if (options_.summary) summary_.add(event, call, options_.system ? process_name(event.pid) : std::string());
  // The verdict shows the first occurrence of a failure (the failure log keeps
  // that one): a repeat's decoded form is never asked for.
  if (failed && !repeat) remember_decoded(event.seq, call);
  if (!show) return;
  std::string line = renderer_.syscall(event, call, explanation);
  if (failed && memo_lines_ && fd_lookups_ == fd_lookups_before && !event.injected)
    line_memo_.store(event, explanation, line);
  else
    line_memo_.clear();
  emit(std::move(line), failed);
  // An injection may make the program hang until it is killed (and whyfail
  // with it): its line must already be out by then. Injections are rare.
  if (event.injected && !buffering_) out_.flush();
}

void SessionSink::on_event(const trace::Event& event, bool live) {
  // Nothing may be thrown into the backend: keep the first error for main to report.
  try {
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, trace::SyscallEvent>) {
            if (root_pid_ == 0 && !options_.command.empty()) {
              root_pid_ = e.pid;
              set_forward_pid(e.pid);
              renderer_.note_process(e.pid);
            }
            handle(e, live);
          } else {
            line_memo_.clear();   // the renderer's state (processes seen) may change
            finder_.observe(event);
            if constexpr (std::is_same_v<T, trace::SpawnEvent>) {
              if (root_pid_ == 0 && !options_.command.empty()) {
                root_pid_ = e.parent_pid;
                set_forward_pid(e.parent_pid);
                renderer_.note_process(e.parent_pid);
              }
              emit(renderer_.spawn(e), false);
            } else if constexpr (std::is_same_v<T, trace::ExecEvent>) {
              if (root_pid_ == 0 && !options_.command.empty()) {
                root_pid_ = e.pid;
                set_forward_pid(e.pid);
                renderer_.note_process(e.pid);
              }
              emit(renderer_.exec(e), false);
            } else if constexpr (std::is_same_v<T, trace::SignalEvent>) {
              emit(renderer_.signal(e), false);
            } else if constexpr (std::is_same_v<T, trace::ExitEvent>) {
              emit(renderer_.exit(e), false);
            } else if constexpr (std::is_same_v<T, trace::DetachEvent>) {
              detached_[e.pid] = true;
              emit(renderer_.detach(e), false);
            } else if constexpr (std::is_same_v<T, trace::LostEvent>) {
              // Never held back: the user must know at once that the trace has gaps.
              out_.write(renderer_.lost(e));
            }
          }
        },
        event);
  } catch (const std::exception& ex) {
    if (!internal_error_) internal_error_ = std::string("while handling a traced event: ") + ex.what();
  } catch (...) {
    if (!internal_error_) internal_error_ = "while handling a traced event: unknown error";
  }
}

}  // namespace whyfail::cli
