#include "explain/man_pages.h"

#include <zlib.h>

#include <map>
#include <mutex>
#include <sstream>

#include "explain/text.h"

namespace whyfail::explain {

namespace {

std::string gunzip_file(const std::string& path) {
  gzFile f = ::gzopen(path.c_str(), "rb");
  if (!f) return {};
  std::string out;
  char buf[16384];
  int n;
  while ((n = ::gzread(f, buf, sizeof buf)) > 0 && out.size() < (4u << 20)) out.append(buf, static_cast<size_t>(n));
  ::gzclose(f);
  return out;
}

// Inline escapes: fonts dropped, common glyphs to ASCII.
std::string strip_escapes(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) { out += s[i]; continue; }
    char c = s[++i];
    switch (c) {
      case 'f':  // \fB \fI \fR \fP \f(XX \f[...]
        if (i + 1 < s.size() && s[i + 1] == '(') i += 3;
        else if (i + 1 < s.size() && s[i + 1] == '[') { size_t e = s.find(']', i); i = e == std::string::npos ? s.size() : e; }
        else ++i;
        break;
      case '-': out += '-'; break;
      case 'e': out += '\\'; break;
      case '&': case '%': case ':': break;
      case ' ': case '~': out += ' '; break;
      case '(': {  // \(em, \(aq ...
        std::string g = s.substr(i + 1, 2);
        i += 2;
        out += g == "em" ? "--" : g == "aq" ? "'" : g == "dq" ? "\"" : g == "lq" || g == "rq" ? "\"" : "";
        break;
      }
      case '[': {  // \[em]
        size_t e = s.find(']', i);
        std::string g = s.substr(i + 1, e == std::string::npos ? 0 : e - i - 1);
        i = e == std::string::npos ? s.size() : e;
        out += g == "em" ? "--" : g == "aq" ? "'" : g == "dq" || g == "lq" || g == "rq" ? "\"" : "";
        break;
      }
      case '"': i = s.size(); break;  // comment to end of line
      default: out += c; break;
    }
  }
  return out;
}

// Macro arguments, honouring double quotes.
std::vector<std::string> macro_args(const std::string& rest) {
  std::vector<std::string> args;
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    if (i >= rest.size()) break;
    std::string a;
    if (rest[i] == '"') {
      ++i;
      while (i < rest.size() && rest[i] != '"') a += rest[i++];
      ++i;
    } else {
      while (i < rest.size() && rest[i] != ' ') a += rest[i++];
    }
    args.push_back(a);
  }
  return args;
}

// A text line from a roff line: font macros keep their words, others vanish.
std::string line_text(const std::string& line, bool* is_break) {
  if (is_break) *is_break = false;
  if (line.empty()) return {};
  if (line[0] != '.' && line[0] != '\'') return strip_escapes(line);
  std::string macro = line.substr(1, line.find(' ') == std::string::npos ? std::string::npos : line.find(' ') - 1);
  std::string rest = line.find(' ') == std::string::npos ? "" : line.substr(line.find(' ') + 1);
  if (macro == "B" || macro == "I" || macro == "SM" || macro == "SB") {
    std::string joined;
    for (auto& a : macro_args(rest)) joined += (joined.empty() ? "" : " ") + a;
    return strip_escapes(joined);
  }
  if (macro == "BR" || macro == "RB" || macro == "IR" || macro == "RI" || macro == "BI" || macro == "IB") {
    std::string joined;
    for (auto& a : macro_args(rest)) joined += a;  // alternating fonts: no spaces between
    return strip_escapes(joined);
  }
  if (macro == "PP" || macro == "P" || macro == "LP" || macro == "IP" || macro == "RS" || macro == "RE") {
    if (is_break) *is_break = true;
  }
  return {};
}

std::vector<std::string> errno_names(const std::string& tag) {
  std::vector<std::string> out;
  std::string w;
  auto flush = [&] {
    if (w.size() >= 3 && w[0] == 'E') {
      bool ok = true;
      for (char c : w) ok = ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
      if (ok) out.push_back(w);
    }
    w.clear();
  };
  for (char c : tag) {
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) w += c;
    else flush();
  }
  flush();
  return out;
}

}  // namespace

std::vector<ManEntry> parse_man_errors(const std::string& roff) {
  std::vector<ManEntry> out;
  std::istringstream in(roff);
  std::string line;
  bool in_errors = false;
  bool want_tag = false;
  ManEntry cur;
  bool have = false;
  auto flush = [&] {
    if (have && !cur.errnos.empty()) {
      while (!cur.text.empty() && cur.text.back() == ' ') cur.text.pop_back();
      out.push_back(cur);
    }
    cur = ManEntry{};
    have = false;
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind(".\\\"", 0) == 0 || line.rfind("'\\\"", 0) == 0) continue;  // comment
    if (line.rfind(".SH", 0) == 0) {
      std::string title = line.size() > 4 ? line.substr(4) : "";
      if (!title.empty() && title.front() == '"') title = title.substr(1, title.find('"', 1) - 1);
      if (in_errors) { flush(); break; }
      in_errors = title == "ERRORS";
      continue;
    }
    if (!in_errors) continue;
    if (line.rfind(".TP", 0) == 0) {
      flush();
      want_tag = true;
      continue;
    }
    if (line.rfind(".SS", 0) == 0) { flush(); continue; }
    bool brk = false;
    std::string text = line_text(line, &brk);
    if (want_tag) {
      if (text.empty()) continue;
      cur.errnos = errno_names(text);
      have = true;
      want_tag = false;
      continue;
    }
    if (have && !text.empty()) {
      if (!cur.text.empty() && cur.text.back() != ' ' && text.front() != ',' && text.front() != '.' &&
          text.front() != ')' && text.front() != ';')
        cur.text += ' ';
      cur.text += text;
    }
  }
  flush();
  return out;
}

std::vector<ManEntry> man_page_errors(const std::string& syscall, const std::string& man_dir) {
  static std::mutex mu;
  static std::map<std::string, std::vector<ManEntry>> cache;
  std::string key = man_dir + "\n" + syscall;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  // Kernel names that differ from the page name.
  std::vector<std::string> names{syscall};
  if (syscall == "newfstatat") names.push_back("fstatat");
  if (syscall.size() > 2 && syscall.compare(syscall.size() - 2, 2, "64") == 0)
    names.push_back(syscall.substr(0, syscall.size() - 2));
  std::vector<ManEntry> entries;
  for (const auto& n : names) {
    if (n.empty() || n.find('/') != std::string::npos) continue;
    std::string path = man_dir + "/man2/" + n + ".2.gz";
    std::string roff = gunzip_file(path);
    // ".so man2/stat.2": one page includes another (a few hops at most).
    for (int hop = 0; hop < 4 && roff.rfind(".so ", 0) == 0; ++hop) {
      std::string target = roff.substr(4, roff.find('\n') == std::string::npos ? std::string::npos : roff.find('\n') - 4);
      while (!target.empty() && (target.back() == ' ' || target.back() == '\r')) target.pop_back();
      if (target.find("..") != std::string::npos) break;
      roff = gunzip_file(man_dir + "/" + target + ".gz");
      if (roff.empty()) roff = gunzip_file(man_dir + "/" + target);
    }
    entries = parse_man_errors(roff);
    if (!entries.empty()) break;
  }
  std::lock_guard<std::mutex> lock(mu);
  cache[key] = entries;
  return entries;
}

std::vector<Cause> man_page_causes(const std::string& syscall, const std::string& err_name) {
  std::vector<Cause> out;
  for (const auto& e : man_page_errors(syscall)) {
    bool match = false;
    for (const auto& n : e.errnos) match = match || n == err_name;
    if (!match) continue;
    std::string text = e.text.size() > 400 ? e.text.substr(0, 400) + "..." : e.text;
    Cause c = make_cause("manpage.possible-cause",
                         "possible cause, from the man page " + escape(syscall) + "(2): " + escape(text));
    c.verified = false;
    c.evidence.push_back("not checked against the process state; " + escape(err_name) + " entry of " +
                         escape(syscall) + "(2)");
    out.push_back(c);
  }
  return out;
}

}  // namespace whyfail::explain
