#include "report/user_stack.h"

#include <fmt/format.h>

#include "report/escape.h"
#include "symbolize/call_site.h"

namespace whyfail::report {

namespace {

// The module as shown: its path, else its build-id (found in a debug directory only).
std::string module_label(const symbolize::UserFrame& f) {
  if (!f.module.empty()) return escape_c(f.module);
  if (!f.build_id.empty()) return "build-id:" + f.build_id;
  return {};
}

// Where in the module: the ELF's own address when the file was read, else the file offset.
uint64_t module_address(const symbolize::UserFrame& f) { return f.elf_address ? f.elf_address : f.offset; }

}  // namespace

std::string render_user_stack(const trace::SyscallEvent& event) {
  std::string out;
  if (event.user_frames.empty()) {
    for (uint64_t addr : event.user_stack) out += fmt::format(" > {:#x}\n", addr);
    return out;
  }
  for (const symbolize::UserFrame& f : event.user_frames) {
    const std::string module = module_label(f);
    if (module.empty()) {
      out += fmt::format(" > [{:#x}]\n", f.address);
    } else if (!f.function.empty()) {
      out += fmt::format(" > {}({}+{:#x}) [{:#x}]\n", module, escape_c(f.function), f.function_offset,
                         module_address(f));
    } else {
      out += fmt::format(" > {}(+{:#x}) [{:#x}]\n", module, module_address(f), module_address(f));
    }
  }
  return out;
}

Json user_frames_to_json(const std::vector<symbolize::UserFrame>& frames) {
  Json out = Json::array();
  for (const symbolize::UserFrame& f : frames) {
    Json j;
    j["address"] = f.address ? Json(fmt::format("{:#x}", f.address)) : Json(nullptr);
    j["module"] = f.module.empty() ? Json(nullptr) : bytes_to_json(f.module, false);
    j["build_id"] = f.build_id.empty() ? Json(nullptr) : Json(f.build_id);
    const bool placed = f.known_module();
    j["offset"] = placed ? Json(f.offset) : Json(nullptr);
    j["elf_address"] = f.elf_address ? Json(fmt::format("{:#x}", f.elf_address)) : Json(nullptr);
    j["function"] = f.function.empty() ? Json(nullptr) : bytes_to_json(f.function, false);
    j["function_offset"] = f.function.empty() ? Json(nullptr) : Json(f.function_offset);
    j["file"] = f.file.empty() ? Json(nullptr) : bytes_to_json(f.file, false);
    j["line"] = f.line > 0 ? Json(f.line) : Json(nullptr);
    switch (f.source) {
      case symbolize::FrameSource::Maps: j["resolved_by"] = "maps"; break;
      case symbolize::FrameSource::BuildId: j["resolved_by"] = "build_id"; break;
      case symbolize::FrameSource::None: j["resolved_by"] = nullptr; break;
    }
    out.push_back(std::move(j));
  }
  return out;
}

std::string called_from(const trace::SyscallEvent& event) {
  const auto& frames = event.user_frames;
  const std::size_t i = symbolize::first_program_frame(frames);
  if (i >= frames.size()) return {};
  const symbolize::UserFrame& f = frames[i];
  const std::string module = module_label(f);
  if (module.empty()) return {};
  std::string out = f.function.empty() ? fmt::format("{}+{:#x}", module, module_address(f))
                                       : fmt::format("{}+{:#x} in {}", escape_c(f.function), f.function_offset, module);
  if (!f.file.empty() && f.line > 0) out += fmt::format(" at {}:{}", escape_c(f.file), f.line);
  return out;
}

}  // namespace whyfail::report
