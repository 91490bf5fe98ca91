#include "report/doctor.h"

#include <fmt/format.h>

#include "report/escape.h"
#include "report/json.h"

namespace whyfail::report {

namespace {

const char* availability_word(platform::Availability a) {
  switch (a) {
    case platform::Availability::Yes: return "yes";
    case platform::Availability::No: return "no";
    case platform::Availability::Unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace

std::string render_doctor_text(const std::vector<platform::Feature>& features, const Palette& p) {
  if (features.empty()) return "whyfail doctor: no platform checks are available in this build\n";
  std::size_t width = 0;
  for (const auto& f : features) width = std::max(width, f.name.size());
  std::string out;
  for (const auto& f : features) {
    const std::string word = availability_word(f.available);
    std::string coloured = f.available == platform::Availability::Yes ? p.good(fmt::format("{:<7}", word))
                           : f.available == platform::Availability::No ? p.error(fmt::format("{:<7}", word))
                                                                       : fmt::format("{:<7}", word);
    out += fmt::format("{:<{}}  {} {}\n", strip_controls(f.name), width, coloured, strip_controls(f.detail));
    if (f.available != platform::Availability::Yes && !f.consequence.empty()) {
      out += fmt::format("{:<{}}  {:<7} -> {}\n", "", width, "", strip_controls(f.consequence));
    }
  }
  return out;
}

std::string render_doctor_json(const std::vector<platform::Feature>& features) {
  std::string out;
  for (const auto& f : features) {
    Json j;
    j["type"] = "feature";
    j["name"] = bytes_to_json(f.name, false);
    j["available"] = availability_word(f.available);
    j["detail"] = bytes_to_json(f.detail, false);
    j["consequence"] = bytes_to_json(f.consequence, false);
    out += json_line(j);
  }
  return out;
}

}  // namespace whyfail::report
