#include "culprit/evidence.h"

#include <errno.h>

#include <algorithm>
#include <cctype>

#include "decode/decoder.h"

namespace whyfail::culprit {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// How much a message from `writer` says about a failure in `failer`.
double relation_weight(const ProcessTree& tree, pid_t writer, pid_t failer) {
  if (writer == failer) return 1.0;
  if (tree.related(writer, failer)) return 0.8;   // a parent reporting its child, or the reverse
  return 0.5;
}

std::string describe_writer(const ProcessTree& tree, const Message& m) {
  std::string who = "process " + std::to_string(m.pid);
  if (const ProcessInfo* p = tree.find(m.pid); p && !p->name.empty()) who += " (" + p->name + ")";
  return std::string(output_kind_name(m.kind)) + " of " + who;
}

// Text safe to quote in an evidence string: printable ASCII, bounded.
std::string quote(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 80) out += "...";
  return out;
}

struct Best {
  double weight = 0.0;
  std::size_t message = 0;
  std::string what;
  void offer(double w, std::size_t index, std::string description) {
    if (w > weight) {
      weight = w;
      message = index;
      what = std::move(description);
    }
  }
};

}  // namespace

MessageCorpus MessageCorpus::from(std::vector<Message> messages) {
  MessageCorpus corpus;
  // Keep the last kMaxBytes: failing programs say why near the end.
  std::size_t bytes = 0;
  std::size_t first = messages.size();
  while (first > 0 && bytes + messages[first - 1].text.size() <= kMaxBytes) {
    bytes += messages[first - 1].text.size();
    --first;
  }
  corpus.messages.assign(std::make_move_iterator(messages.begin() + first),
                         std::make_move_iterator(messages.end()));
  corpus.lowered.reserve(corpus.messages.size());
  for (const Message& m : corpus.messages) corpus.lowered.push_back(lower(m.text));
  return corpus;
}

bool contains_token(const std::string& hay, const std::string& needle) {
  if (needle.empty()) return false;
  for (std::size_t pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) {
    bool left_ok = pos == 0 || !ident_char(hay[pos - 1]);
    std::size_t end = pos + needle.size();
    bool right_ok = end >= hay.size() || !ident_char(hay[end]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

std::vector<std::string> errno_phrases(int err) {
  std::vector<std::string> out{lower(decode::errno_text(err))};
  switch (err) {
    case ENOENT: out.insert(out.end(), {"not found", "does not exist", "no such file", "cannot find", "missing"}); break;
    case EACCES: out.insert(out.end(), {"permission denied", "access denied", "not permitted"}); break;
    case EPERM: out.insert(out.end(), {"not permitted", "permission denied", "insufficient privileges"}); break;
    case EADDRINUSE: out.insert(out.end(), {"already in use", "address in use", "in use"}); break;
    case ECONNREFUSED: out.insert(out.end(), {"refused", "could not connect", "failed to connect"}); break;
    case EEXIST: out.insert(out.end(), {"exists", "already exist"}); break;
    case ENOTEMPTY: out.insert(out.end(), {"not empty"}); break;
    case EMFILE: out.insert(out.end(), {"too many open files"}); break;
    case ENOTDIR: out.insert(out.end(), {"not a directory"}); break;
    case EISDIR: out.insert(out.end(), {"is a directory"}); break;
    case ELOOP: out.insert(out.end(), {"symbolic links", "symlink loop", "loop"}); break;
    case EROFS: out.insert(out.end(), {"read-only"}); break;
    case EINVAL: out.insert(out.end(), {"invalid"}); break;
    case ENOMEM: out.insert(out.end(), {"out of memory", "cannot allocate"}); break;
    case EBADF: out.insert(out.end(), {"bad file"}); break;
    case EXDEV: out.insert(out.end(), {"cross-device"}); break;
    case ENOEXEC: out.insert(out.end(), {"exec format", "cannot execute"}); break;
    case ETIMEDOUT: out.insert(out.end(), {"timed out", "timeout"}); break;
    case ENOSPC: out.insert(out.end(), {"no space"}); break;
    default: break;
  }
  return out;
}

MessageEvidence match_messages(const FailureRecord& record, const NamedObjects& objects,
                               const MessageCorpus& corpus, const ProcessTree& tree) {
  MessageEvidence ev;
  const int err = record.call.error();
  const std::vector<std::string> phrases = errno_phrases(err);
  const std::string errno_tag = "[errno " + std::to_string(err) + "]";   // Python's OSError
  const std::string errno_name = lower(decode::errno_name(err));

  std::vector<std::string> full_paths, bases;
  for (const std::string& p : objects.paths) {
    full_paths.push_back(lower(p));
    std::string b = lower(base_name(p));
    // "." or a one-letter name would match any text.
    if (b.size() >= 2 && b != "." && b != "..") bases.push_back(b);
  }
  const std::string port = objects.port > 0 ? std::to_string(objects.port) : std::string();

  Best errno_best, object_best;
  auto first = std::upper_bound(corpus.messages.begin(), corpus.messages.end(), record.first_order,
                                [](uint64_t order, const Message& m) { return order < m.order; });
  for (std::size_t i = static_cast<std::size_t>(first - corpus.messages.begin()); i < corpus.messages.size(); ++i) {
    const Message& m = corpus.messages[i];
    const std::string& text = corpus.lowered[i];
    const double rel = relation_weight(tree, m.pid, record.call.pid);

    // errno: the exact strerror() text is strong, rewordings weaker.
    if (!phrases.front().empty() && text.find(phrases.front()) != std::string::npos)
      errno_best.offer(4.0 * rel, i, "says \"" + quote(decode::errno_text(err)) + "\"");
    else if (text.find(errno_tag) != std::string::npos || (errno_name.size() > 2 && contains_token(text, errno_name)))
      errno_best.offer(4.0 * rel, i, "names the errno");
    else
      for (std::size_t k = 1; k < phrases.size(); ++k)
        if (text.find(phrases[k]) != std::string::npos) {
          errno_best.offer(2.0 * rel, i, "says \"" + phrases[k] + "\"");
          break;
        }

    for (std::size_t k = 0; k < full_paths.size(); ++k) {
      if (full_paths[k].size() >= 2 && text.find(full_paths[k]) != std::string::npos)
        object_best.offer(3.5 * rel, i, "names its path " + quote(objects.paths[k]));
      else if (k < bases.size() && contains_token(text, bases[k]))
        object_best.offer(2.0 * rel, i, "names " + quote(bases[k]));
    }
    if (!port.empty() && contains_token(text, port))
      object_best.offer(3.0 * rel, i, "names port " + port);
  }

  uint64_t anchor = UINT64_MAX;
  if (errno_best.weight > 0) {
    ev.score += errno_best.weight;
    ev.reasons.push_back(describe_writer(tree, corpus.messages[errno_best.message]) + " " + errno_best.what);
    anchor = std::min(anchor, corpus.messages[errno_best.message].order);
  }
  if (object_best.weight > 0) {
    ev.score += object_best.weight;
    ev.reasons.push_back(describe_writer(tree, corpus.messages[object_best.message]) + " " + object_best.what);
    anchor = std::min(anchor, corpus.messages[object_best.message].order);
  }
  // Both in one message: the program is talking about this very call.
  if (errno_best.weight > 0 && object_best.weight > 0 && errno_best.message == object_best.message)
    ev.score += 1.0;
  ev.anchor_order = anchor == UINT64_MAX ? 0 : anchor;
  ev.strength = std::min(1.0, ev.score / 8.5);
  return ev;
}

}  // namespace whyfail::culprit
