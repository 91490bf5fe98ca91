// Common ioctl requests by number; others as _IOC(dir, type, nr, size),
// which is how the number is built (asm-generic/ioctl.h).
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <termios.h>

#include <array>
#include <cstdio>

#include "decode/xlat/flags.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::xlat {

namespace {

const std::array kRequests = {
    XLAT(TCGETS),     XLAT(TCSETS),     XLAT(TCSETSW),    XLAT(TCSETSF),    XLAT(TCGETA),
    XLAT(TCSETA),     XLAT(TCSETAW),    XLAT(TCSETAF),    XLAT(TCSBRK),     XLAT(TCXONC),
    XLAT(TCFLSH),     XLAT(TIOCEXCL),   XLAT(TIOCNXCL),   XLAT(TIOCSCTTY),  XLAT(TIOCGPGRP),
    XLAT(TIOCSPGRP),  XLAT(TIOCOUTQ),   XLAT(TIOCSTI),    XLAT(TIOCGWINSZ), XLAT(TIOCSWINSZ),
    XLAT(TIOCMGET),   XLAT(TIOCMBIS),   XLAT(TIOCMBIC),   XLAT(TIOCMSET),   XLAT(TIOCGSOFTCAR),
    XLAT(TIOCSSOFTCAR), XLAT(FIONREAD), XLAT(TIOCLINUX),  XLAT(TIOCCONS),   XLAT(TIOCGSERIAL),
    XLAT(TIOCSSERIAL), XLAT(TIOCPKT),   XLAT(FIONBIO),    XLAT(TIOCNOTTY),  XLAT(TIOCSETD),
    XLAT(TIOCGETD),   XLAT(TCSBRKP),    XLAT(TIOCSBRK),   XLAT(TIOCCBRK),   XLAT(TIOCGSID),
    // termios2 requests: the struct lives in <asm/termbits.h>, which clashes with <termios.h>.
    Named{0x802c542a, "TCGETS2"}, Named{0x402c542b, "TCSETS2"}, Named{0x402c542c, "TCSETSW2"},
    Named{0x402c542d, "TCSETSF2"},   XLAT(TIOCGPTN),
    XLAT(TIOCSPTLCK), XLAT(TIOCGDEV),   XLAT(TIOCSIG),    XLAT(TIOCVHANGUP), XLAT(TIOCGPKT),
    XLAT(TIOCGPTLCK), XLAT(TIOCGEXCL),  XLAT(TIOCGPTPEER), XLAT(FIONCLEX),  XLAT(FIOCLEX),
    XLAT(FIOASYNC),   XLAT(TIOCSERCONFIG), XLAT(TIOCSERGETLSR), XLAT(FIOQSIZE),
    // asm-generic/sockios.h values (not exported by glibc's headers).
    Named{0x8901, "FIOSETOWN"}, Named{0x8902, "SIOCSPGRP"}, Named{0x8903, "FIOGETOWN"},
    Named{0x8904, "SIOCGPGRP"}, Named{0x8905, "SIOCATMARK"},
    XLAT(SIOCGIFNAME), XLAT(SIOCGIFCONF), XLAT(SIOCGIFFLAGS), XLAT(SIOCSIFFLAGS),
    XLAT(SIOCGIFADDR), XLAT(SIOCGIFINDEX), XLAT(SIOCGIFMTU), XLAT(SIOCGIFHWADDR),
    XLAT(BLKGETSIZE64), XLAT(BLKGETSIZE), XLAT(BLKSSZGET), XLAT(BLKROGET),  XLAT(BLKFLSBUF),
    XLAT(FIGETBSZ),   XLAT(FIBMAP),     XLAT(FICLONE),    XLAT(FICLONERANGE), XLAT(FIDEDUPERANGE),
    XLAT(FS_IOC_GETFLAGS), XLAT(FS_IOC_SETFLAGS), XLAT(FS_IOC_GETVERSION), Named{0xc020660b, "FS_IOC_FIEMAP"},
    XLAT(FS_IOC_FSGETXATTR), XLAT(FS_IOC_FSSETXATTR),
};

}  // namespace

Value ioctl_request(uint64_t req) {
  req &= 0xffffffffu;  // the kernel takes an unsigned int
  auto name = enum_name(req, kRequests);
  if (!name.empty()) return Value::make_symbol(std::string(name));
  unsigned dir = static_cast<unsigned>(_IOC_DIR(req));
  if (dir == _IOC_NONE && _IOC_SIZE(req) == 0 && (req >> 16) == 0) return Value::make_hex(req);
  static constexpr const char* kDirs[] = {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"};
  char buf[96];
  std::snprintf(buf, sizeof buf, "_IOC(%s, %#x, %#x, %#x)", kDirs[dir & 3],
                static_cast<unsigned>(_IOC_TYPE(req)), static_cast<unsigned>(_IOC_NR(req)),
                static_cast<unsigned>(_IOC_SIZE(req)));
  return Value::make_symbol(buf);
}

}  // namespace whyfail::decode::xlat
