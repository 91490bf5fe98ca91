// Formatting shared by the explainers: escaping tracee bytes, modes, owners.
// Cause texts may quote tracee bytes only through quote().
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>
#include <string_view>

#include "explain/explanation.h"

namespace whyfail::explain {

// Tracee bytes made safe for a terminal: printable ASCII as is, other bytes \xNN,
// \n \t \\ and " escaped. Never emits a control character.
std::string escape(std::string_view bytes);
// escape() in double quotes.
std::string quote(std::string_view bytes);

std::string octal_mode(mode_t mode);        // "0755" (permission bits + suid/sgid/sticky)
std::string file_type(mode_t mode);         // "directory", "regular file", "symlink", ...
std::string user_name(uid_t uid);           // "root(0)" or "1234"
std::string group_name(gid_t gid);
// "mode 0700 owner root(0) group root(0)"
std::string describe_inode(const struct stat& st);

// Cause constructors.
Cause make_cause(std::string code, std::string text, std::string fix = {});

}  // namespace whyfail::explain
