// `whyfail doctor`: what this kernel and these privileges allow, and why not.
#pragma once

#include <string>
#include <vector>

#include "platform/features.h"
#include "report/color.h"

namespace whyfail::report {

std::string render_doctor_text(const std::vector<platform::Feature>& features, const Palette& palette);
// One {"type":"feature",...} line per feature.
std::string render_doctor_json(const std::vector<platform::Feature>& features);

}  // namespace whyfail::report
