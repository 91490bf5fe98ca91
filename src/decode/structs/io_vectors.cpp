// Arrays the tracee passes by pointer: iovecs, pollfds, argv-style string
// arrays, and the int[2] of pipe/socketpair.
#include <poll.h>

#include <array>
#include <cstring>

#include "decode/structs/structs.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::structs {

namespace {

const std::array kPollEvents = {
    XLAT(POLLIN),  XLAT(POLLPRI),  XLAT(POLLOUT),    XLAT(POLLERR),    XLAT(POLLHUP),
    XLAT(POLLNVAL), XLAT(POLLRDNORM), XLAT(POLLRDBAND), XLAT(POLLWRNORM), XLAT(POLLWRBAND),
    XLAT(POLLMSG), XLAT(POLLREMOVE), XLAT(POLLRDHUP)};

Value array() {
  Value v;
  v.kind = Value::Kind::Array;
  return v;
}

// Element i of a parts-delimited capture.
std::string_view element(const trace::CapturedBytes& c, size_t i) {
  uint32_t begin = i == 0 ? 0 : c.parts[i - 1];
  uint32_t end = c.parts[i];
  if (begin > end || end > c.bytes.size()) return {};
  return std::string_view(c.bytes).substr(begin, end - begin);
}

}  // namespace

Value iovec(const trace::CapturedBytes& c) {
  Value out = array();
  // The capture holds each element's bytes, not its iov_len. When the copy
  // stopped early (-s or the return value), the last non-empty element is
  // where it stopped: its length is unknown, and the elements after it had
  // nothing copied ("{...}"). Before it, lengths are exact.
  size_t cut_at = c.parts.size();
  if (c.truncated) {
    for (size_t i = c.parts.size(); i-- > 0;) {
      if (!element(c, i).empty()) {
        cut_at = i;
        break;
      }
    }
  }
  for (size_t i = 0; i < c.parts.size(); ++i) {
    Value item;
    item.kind = Value::Kind::Struct;
    if (i > cut_at) {
      item.truncated = true;
    } else {
      std::string_view data = element(c, i);
      item.fields.emplace_back("iov_base", Value::make_bytes(std::string(data), i == cut_at));
      if (i != cut_at) item.fields.emplace_back("iov_len", Value::make_uint(data.size()));
    }
    out.items.push_back(std::move(item));
  }
  out.truncated = c.elements_total > c.parts.size();
  return out;
}

Value pollfds(std::string_view bytes, bool truncated, uint64_t nfds) {
  Value out = array();
  size_t n = bytes.size() / sizeof(pollfd);
  for (size_t i = 0; i < n; ++i) {
    pollfd p;
    std::memcpy(&p, bytes.data() + i * sizeof p, sizeof p);
    Value item;
    item.kind = Value::Kind::Struct;
    item.fields.emplace_back("fd", Value::make_fd(p.fd));
    item.fields.emplace_back("events", xlat::flags_value(static_cast<uint16_t>(p.events), kPollEvents));
    out.items.push_back(std::move(item));
  }
  out.truncated = truncated || n < nfds;
  return out;
}

Value string_array(const trace::CapturedBytes& c) {
  Value out = array();
  for (size_t i = 0; i < c.parts.size(); ++i) {
    std::string_view s = element(c, i);
    const bool cut = i < c.part_truncated.size() && c.part_truncated[i];
    out.items.push_back(Value::make_bytes(std::string(s), cut));
  }
  // With per-element marks, a cut string does not make the array look longer
  // than it is (strace: ["a", "bc"...], not ["a", "bc", ...]).
  const bool strings_known = c.part_truncated.size() == c.parts.size() && !c.parts.empty();
  out.truncated = (c.truncated && !strings_known) || c.elements_total > c.parts.size();
  return out;
}

Value fd_pair(std::string_view bytes) {
  Value out = array();
  int fds[2];
  if (bytes.size() < sizeof fds) {
    out.truncated = true;
    return out;
  }
  std::memcpy(fds, bytes.data(), sizeof fds);
  out.items.push_back(Value::make_fd(fds[0]));
  out.items.push_back(Value::make_fd(fds[1]));
  return out;
}

}  // namespace whyfail::decode::structs
