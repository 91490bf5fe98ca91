// Matching what the processes wrote against a failure: its errno's text (and
// common rewordings), the paths, basenames and ports it named. Also across
// processes: a parent often reports its child's failure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "culprit/failure_log.h"
#include "culprit/named_objects.h"
#include "culprit/output_capture.h"
#include "culprit/process_tree.h"

namespace whyfail::culprit {

// The messages of a run, prepared once for matching.
struct MessageCorpus {
  std::vector<Message> messages;     // stream order
  std::vector<std::string> lowered;  // ASCII-lowercased texts, same index
  static constexpr std::size_t kMaxBytes = 256 * 1024;  // matching budget: the last bytes written
  static MessageCorpus from(std::vector<Message> messages);
};

struct MessageEvidence {
  double score = 0.0;        // added to the ranking score
  double strength = 0.0;     // 0..1, how sure the messages make us (for confidence)
  uint64_t anchor_order = 0; // the first message that matched, 0 when none
  std::vector<std::string> reasons;
};

MessageEvidence match_messages(const FailureRecord& record, const NamedObjects& objects,
                               const MessageCorpus& corpus, const ProcessTree& tree);

// Lowercase phrases a message may use for this errno: strerror()'s text first,
// then common rewordings ("not found", "already in use").
std::vector<std::string> errno_phrases(int err);

// `needle` in `hay` with no identifier character right before or after it.
bool contains_token(const std::string& hay, const std::string& needle);

}  // namespace whyfail::culprit
