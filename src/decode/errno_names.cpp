// Errno names and texts, including the kernel-internal codes above 511 that
// a tracer sees when a syscall is interrupted (ERESTARTSYS) and that leak
// from some drivers (ENOTSUPP). Userspace never gets those through glibc, so
// strerror() does not know them.
#include <errno.h>

#include <array>
#include <cstring>
#include <string>
#include <string_view>

#include "decode/decoder.h"

namespace whyfail::decode {

namespace {

struct ErrnoName {
  int err;
  std::string_view name;
};

#define E(x) ErrnoName{x, #x}

// Linux errno values 1..133 (asm-generic/errno-base.h, errno.h). An alias
// (EWOULDBLOCK == EAGAIN) follows its primary name so lookups by number pick
// the primary and lookups by name accept both.
const std::array kErrnos = {
    E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC), E(EBADF),
    E(ECHILD), E(EAGAIN), E(EWOULDBLOCK), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK), E(EBUSY),
    E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE),
    E(ENOTTY), E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(EDOM),
    E(ERANGE), E(EDEADLK), E(EDEADLOCK), E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS), E(ENOTEMPTY),
    E(ELOOP), E(ENOMSG), E(EIDRM), E(ECHRNG), E(EL2NSYNC), E(EL3HLT), E(EL3RST), E(ELNRNG),
    E(EUNATCH), E(ENOCSI), E(EL2HLT), E(EBADE), E(EBADR), E(EXFULL), E(ENOANO), E(EBADRQC),
    E(EBADSLT), E(EBFONT), E(ENOSTR), E(ENODATA), E(ETIME), E(ENOSR), E(ENONET), E(ENOPKG),
    E(EREMOTE), E(ENOLINK), E(EADV), E(ESRMNT), E(ECOMM), E(EPROTO), E(EMULTIHOP), E(EDOTDOT),
    E(EBADMSG), E(EOVERFLOW), E(ENOTUNIQ), E(EBADFD), E(EREMCHG), E(ELIBACC), E(ELIBBAD),
    E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC), E(EILSEQ), E(ERESTART), E(ESTRPIPE), E(EUSERS),
    E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT),
    E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(ENOTSUP), E(EPFNOSUPPORT), E(EAFNOSUPPORT), E(EADDRINUSE),
    E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED), E(ECONNRESET),
    E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
    E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(ESTALE),
    E(EUCLEAN), E(ENOTNAM), E(ENAVAIL), E(EISNAM), E(EREMOTEIO), E(EDQUOT), E(ENOMEDIUM),
    E(EMEDIUMTYPE), E(ECANCELED), E(ENOKEY), E(EKEYEXPIRED), E(EKEYREVOKED), E(EKEYREJECTED),
    E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL), E(EHWPOISON),
};

#undef E

struct InternalErrno {
  int err;
  std::string_view name;
  std::string_view text;
};

// include/linux/errno.h: never returned to userspace by a completed syscall,
// but visible at syscall exit to ptrace and BPF, and leaked by some drivers.
const std::array kInternal = {
    InternalErrno{512, "ERESTARTSYS", "Interrupted by a signal (restarted if the handler has SA_RESTART)"},
    InternalErrno{513, "ERESTARTNOINTR", "Interrupted by a signal (always restarted)"},
    InternalErrno{514, "ERESTARTNOHAND", "Interrupted by a signal (restarted unless a handler ran)"},
    InternalErrno{515, "ENOIOCTLCMD", "No ioctl command (driver does not implement this request)"},
    InternalErrno{516, "ERESTART_RESTARTBLOCK", "Interrupted by a signal (restarted via restart_syscall)"},
    InternalErrno{517, "EPROBE_DEFER", "Driver probe deferred"},
    InternalErrno{518, "EOPENSTALE", "Open found a stale dentry"},
    InternalErrno{519, "ENOPARAM", "Parameter not supported"},
    InternalErrno{521, "EBADHANDLE", "Illegal NFS file handle"},
    InternalErrno{522, "ENOTSYNC", "Update synchronization mismatch"},
    InternalErrno{523, "EBADCOOKIE", "Cookie is stale"},
    InternalErrno{524, "ENOTSUPP", "Operation is not supported (kernel-internal ENOTSUPP)"},
    InternalErrno{525, "ETOOSMALL", "Buffer or request is too small"},
    InternalErrno{526, "ESERVERFAULT", "An untranslatable error occurred on the server"},
    InternalErrno{527, "EBADTYPE", "Type not supported by server"},
    InternalErrno{528, "EJUKEBOX", "Request initiated, but will not complete before timeout"},
    InternalErrno{529, "EIOCBQUEUED", "Asynchronous I/O queued (iocb queued, will signal completion)"},
    InternalErrno{530, "ERECALLCONFLICT", "Conflict with recalled state"},
    InternalErrno{531, "ENOGRACE", "NFS file lock reclaim refused"},
};

}  // namespace

std::string errno_name(int err) {
  for (const auto& e : kErrnos)
    if (e.err == err) return std::string(e.name);
  for (const auto& e : kInternal)
    if (e.err == err) return std::string(e.name);
  return "E" + std::to_string(err);
}

std::string errno_text(int err) {
  for (const auto& e : kInternal)
    if (e.err == err) return std::string(e.text);
  for (const auto& e : kErrnos)
    if (e.err == err) return std::strerror(err);
  return "Unknown error " + std::to_string(err);
}

int errno_by_name(const std::string& name) {
  for (const auto& e : kErrnos)
    if (e.name == name) return e.err;
  for (const auto& e : kInternal)
    if (e.name == name) return e.err;
  return -1;
}

std::vector<int> all_errnos() {
  std::vector<int> out;
  for (const auto& e : kErrnos)
    if (out.empty() || out.back() != e.err) out.push_back(e.err);
  for (const auto& e : kInternal) out.push_back(e.err);
  return out;
}

}  // namespace whyfail::decode
