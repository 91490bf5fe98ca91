// Socket constants: address families, socket types, protocols (per family),
// socket option levels and names (per level), message flags.
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <string>

#include "decode/xlat/flags.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::xlat {

namespace {

const std::array kDomains = {
    XLAT(AF_UNSPEC), XLAT(AF_UNIX),     XLAT(AF_INET),      XLAT(AF_AX25),    XLAT(AF_IPX),
    XLAT(AF_APPLETALK), XLAT(AF_NETROM), XLAT(AF_BRIDGE),  XLAT(AF_ATMPVC),  XLAT(AF_X25),
    XLAT(AF_INET6),  XLAT(AF_ROSE),     XLAT(AF_DECnet),    XLAT(AF_NETBEUI), XLAT(AF_SECURITY),
    XLAT(AF_KEY),    XLAT(AF_NETLINK),  XLAT(AF_PACKET),    XLAT(AF_ASH),     XLAT(AF_ECONET),
    XLAT(AF_ATMSVC), XLAT(AF_RDS),      XLAT(AF_SNA),       XLAT(AF_IRDA),    XLAT(AF_PPPOX),
    XLAT(AF_WANPIPE), XLAT(AF_LLC),     XLAT(AF_IB),        XLAT(AF_MPLS),    XLAT(AF_CAN),
    XLAT(AF_TIPC),   XLAT(AF_BLUETOOTH), XLAT(AF_IUCV),     XLAT(AF_RXRPC),   XLAT(AF_ISDN),
    XLAT(AF_PHONET), XLAT(AF_IEEE802154), XLAT(AF_CAIF),    XLAT(AF_ALG),     XLAT(AF_NFC),
    XLAT(AF_VSOCK),  XLAT(AF_KCM),      XLAT(AF_QIPCRTR),   XLAT(AF_SMC),     XLAT(AF_XDP),
    Named{46, "AF_MCTP"},
};

const std::array kTypes = {XLAT(SOCK_STREAM), XLAT(SOCK_DGRAM), XLAT(SOCK_RAW), XLAT(SOCK_RDM),
                           XLAT(SOCK_SEQPACKET), XLAT(SOCK_DCCP), XLAT(SOCK_PACKET)};
const std::array kTypeFlags = {XLAT(SOCK_NONBLOCK), XLAT(SOCK_CLOEXEC)};

const std::array kIpProtos = {
    XLAT(IPPROTO_IP),   XLAT(IPPROTO_ICMP), XLAT(IPPROTO_IGMP),  XLAT(IPPROTO_IPIP),
    XLAT(IPPROTO_TCP),  XLAT(IPPROTO_EGP),  XLAT(IPPROTO_PUP),   XLAT(IPPROTO_UDP),
    XLAT(IPPROTO_IDP),  XLAT(IPPROTO_TP),   XLAT(IPPROTO_DCCP),  XLAT(IPPROTO_IPV6),
    XLAT(IPPROTO_RSVP), XLAT(IPPROTO_GRE),  XLAT(IPPROTO_ESP),   XLAT(IPPROTO_AH),
    XLAT(IPPROTO_ICMPV6), XLAT(IPPROTO_MTP), XLAT(IPPROTO_BEETPH), XLAT(IPPROTO_ENCAP),
    XLAT(IPPROTO_PIM),  XLAT(IPPROTO_COMP), XLAT(IPPROTO_SCTP),  XLAT(IPPROTO_UDPLITE),
    XLAT(IPPROTO_MPLS), Named{262, "IPPROTO_MPTCP"}, XLAT(IPPROTO_RAW),
};

const std::array kNetlinkProtos = {
    XLAT(NETLINK_ROUTE),    XLAT(NETLINK_UNUSED),   XLAT(NETLINK_USERSOCK),  XLAT(NETLINK_FIREWALL),
    XLAT(NETLINK_SOCK_DIAG), XLAT(NETLINK_NFLOG),   XLAT(NETLINK_XFRM),      XLAT(NETLINK_SELINUX),
    XLAT(NETLINK_ISCSI),    XLAT(NETLINK_AUDIT),    XLAT(NETLINK_FIB_LOOKUP), XLAT(NETLINK_CONNECTOR),
    XLAT(NETLINK_NETFILTER), XLAT(NETLINK_IP6_FW),  XLAT(NETLINK_DNRTMSG),   XLAT(NETLINK_KOBJECT_UEVENT),
    XLAT(NETLINK_GENERIC),  XLAT(NETLINK_SCSITRANSPORT), XLAT(NETLINK_ECRYPTFS), XLAT(NETLINK_RDMA),
    XLAT(NETLINK_CRYPTO),   XLAT(NETLINK_SMC),
};

// Levels are protocol numbers except SOL_SOCKET; strace names them SOL_*
// (glibc defines only some, so the numbers are the IPPROTO_ values).
const std::array kLevels = {
    XLAT(SOL_SOCKET), Named{0, "SOL_IP"}, Named{6, "SOL_TCP"}, Named{17, "SOL_UDP"},
    Named{41, "SOL_IPV6"}, Named{58, "SOL_ICMPV6"}, XLAT(SOL_RAW), XLAT(SOL_PACKET),
    XLAT(SOL_NETLINK), XLAT(SOL_TIPC), XLAT(SOL_ALG), XLAT(SOL_TLS), XLAT(SOL_XDP),
    Named{132, "SOL_SCTP"}, Named{136, "SOL_UDPLITE"}, Named{283, "SOL_MPTCP"},
};

const std::array kSocketOpts = {
    XLAT(SO_DEBUG),      XLAT(SO_REUSEADDR),  XLAT(SO_TYPE),        XLAT(SO_ERROR),
    XLAT(SO_DONTROUTE),  XLAT(SO_BROADCAST),  XLAT(SO_SNDBUF),      XLAT(SO_RCVBUF),
    XLAT(SO_KEEPALIVE),  XLAT(SO_OOBINLINE),  XLAT(SO_NO_CHECK),    XLAT(SO_PRIORITY),
    XLAT(SO_LINGER),     XLAT(SO_BSDCOMPAT),  XLAT(SO_REUSEPORT),   XLAT(SO_PASSCRED),
    XLAT(SO_PEERCRED),   XLAT(SO_RCVLOWAT),   XLAT(SO_SNDLOWAT),    Named{20, "SO_RCVTIMEO_OLD"},
    Named{21, "SO_SNDTIMEO_OLD"}, XLAT(SO_BINDTODEVICE), XLAT(SO_ATTACH_FILTER), XLAT(SO_DETACH_FILTER),
    XLAT(SO_PEERNAME),   Named{29, "SO_TIMESTAMP_OLD"}, XLAT(SO_ACCEPTCONN), XLAT(SO_PEERSEC),
    XLAT(SO_SNDBUFFORCE), XLAT(SO_RCVBUFFORCE), XLAT(SO_PASSSEC),   XLAT(SO_MARK),
    XLAT(SO_PROTOCOL),   XLAT(SO_DOMAIN),     XLAT(SO_RXQ_OVFL),    XLAT(SO_PEEK_OFF),
    XLAT(SO_BUSY_POLL),  XLAT(SO_INCOMING_CPU), XLAT(SO_ATTACH_BPF), XLAT(SO_COOKIE),
    XLAT(SO_PEERGROUPS), XLAT(SO_ZEROCOPY),   XLAT(SO_TXTIME),      XLAT(SO_BINDTOIFINDEX),
};

const std::array kTcpOpts = {
    XLAT(TCP_NODELAY),   XLAT(TCP_MAXSEG),    XLAT(TCP_CORK),       XLAT(TCP_KEEPIDLE),
    XLAT(TCP_KEEPINTVL), XLAT(TCP_KEEPCNT),   XLAT(TCP_SYNCNT),     XLAT(TCP_LINGER2),
    XLAT(TCP_DEFER_ACCEPT), XLAT(TCP_WINDOW_CLAMP), XLAT(TCP_INFO), XLAT(TCP_QUICKACK),
    XLAT(TCP_CONGESTION), XLAT(TCP_MD5SIG),   XLAT(TCP_THIN_LINEAR_TIMEOUTS), XLAT(TCP_THIN_DUPACK),
    XLAT(TCP_USER_TIMEOUT), XLAT(TCP_REPAIR), XLAT(TCP_FASTOPEN),   XLAT(TCP_TIMESTAMP),
    XLAT(TCP_NOTSENT_LOWAT), XLAT(TCP_ULP),   XLAT(TCP_FASTOPEN_CONNECT), XLAT(TCP_ZEROCOPY_RECEIVE),
};

const std::array kIpOpts = {
    XLAT(IP_TOS),        XLAT(IP_TTL),        XLAT(IP_HDRINCL),     XLAT(IP_OPTIONS),
    XLAT(IP_RECVOPTS),   XLAT(IP_RETOPTS),    XLAT(IP_PKTINFO),     XLAT(IP_PKTOPTIONS),
    XLAT(IP_MTU_DISCOVER), XLAT(IP_RECVERR),  XLAT(IP_RECVTTL),     XLAT(IP_RECVTOS),
    XLAT(IP_MTU),        XLAT(IP_FREEBIND),   XLAT(IP_PASSSEC),     XLAT(IP_TRANSPARENT),
    XLAT(IP_BIND_ADDRESS_NO_PORT), XLAT(IP_MULTICAST_IF), XLAT(IP_MULTICAST_TTL),
    XLAT(IP_MULTICAST_LOOP), XLAT(IP_ADD_MEMBERSHIP), XLAT(IP_DROP_MEMBERSHIP),
};

const std::array kIpv6Opts = {
    XLAT(IPV6_ADDRFORM), XLAT(IPV6_2292PKTINFO), XLAT(IPV6_UNICAST_HOPS), XLAT(IPV6_MULTICAST_IF),
    XLAT(IPV6_MULTICAST_HOPS), XLAT(IPV6_MULTICAST_LOOP), XLAT(IPV6_JOIN_GROUP),
    XLAT(IPV6_LEAVE_GROUP), XLAT(IPV6_MTU_DISCOVER), XLAT(IPV6_MTU), XLAT(IPV6_RECVERR),
    XLAT(IPV6_V6ONLY),   XLAT(IPV6_RECVPKTINFO), XLAT(IPV6_PKTINFO), XLAT(IPV6_TCLASS),
    XLAT(IPV6_FREEBIND) ,
};

const std::array kMsgFlags = {
    XLAT(MSG_OOB),       XLAT(MSG_PEEK),      XLAT(MSG_DONTROUTE),  XLAT(MSG_CTRUNC),
    XLAT(MSG_PROXY),     XLAT(MSG_TRUNC),     XLAT(MSG_DONTWAIT),   XLAT(MSG_EOR),
    XLAT(MSG_WAITALL),   XLAT(MSG_FIN),       XLAT(MSG_SYN),        XLAT(MSG_CONFIRM),
    XLAT(MSG_RST),       XLAT(MSG_ERRQUEUE),  XLAT(MSG_NOSIGNAL),   XLAT(MSG_MORE),
    XLAT(MSG_WAITFORONE), XLAT(MSG_BATCH),    XLAT(MSG_ZEROCOPY),   XLAT(MSG_FASTOPEN),
    XLAT(MSG_CMSG_CLOEXEC),
};

const std::array kShutdown = {XLAT(SHUT_RD), XLAT(SHUT_WR), XLAT(SHUT_RDWR)};

}  // namespace

Value socket_domain(uint64_t domain) { return enum_value(static_cast<int64_t>(domain), kDomains); }

Value socket_type(uint64_t type) {
  constexpr uint64_t kTypeMask = 0xf;
  std::string out;
  if (type & kTypeMask) {
    auto name = enum_name(type & kTypeMask, kTypes);
    out = name.empty() ? std::to_string(type & kTypeMask) : std::string(name);
  }
  uint64_t flags = type & ~kTypeMask;
  // accept4 passes flags only: no type part, just SOCK_CLOEXEC|SOCK_NONBLOCK.
  if (flags || out.empty()) {
    if (!out.empty()) out += '|';
    out += flags_text(flags, kTypeFlags);
  }
  return Value::make_symbol(out);
}

Value socket_proto(uint64_t domain, uint64_t proto) {
  switch (domain) {
    case AF_INET:
    case AF_INET6: return enum_value(static_cast<int64_t>(proto), kIpProtos);
    case AF_NETLINK: return enum_value(static_cast<int64_t>(proto), kNetlinkProtos);
  }
  return Value::make_int(static_cast<int64_t>(proto));
}

Value sockopt_level(uint64_t level) { return enum_value(static_cast<int64_t>(level), kLevels); }

Value sockopt_name(uint64_t level, uint64_t name) {
  auto v = static_cast<int64_t>(name);
  switch (level) {
    case SOL_SOCKET: return enum_value(v, kSocketOpts);
    case IPPROTO_TCP: return enum_value(v, kTcpOpts);
    case IPPROTO_IP: return enum_value(v, kIpOpts);
    case IPPROTO_IPV6: return enum_value(v, kIpv6Opts);
  }
  return Value::make_int(v);
}

Value msg_flags(uint64_t flags) { return flags_value(flags, kMsgFlags); }

Value shutdown_how(uint64_t how) { return enum_value(static_cast<int64_t>(how), kShutdown); }

}  // namespace whyfail::decode::xlat
