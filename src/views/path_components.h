// Paths read inside the kernel arrive as components, leaf first, each
// NUL-terminated (views_path.bpf.h). This joins them into "/a/b/c".
#pragma once

#include <string>
#include <string_view>

namespace whyfail::views {

// "c\0b\0a\0" -> "/a/b/c"; "" -> "/". A truncated walk (leading components
// missing) is shown with a leading ".../".
std::string join_components(std::string_view leaf_first, bool truncated);

}  // namespace whyfail::views
