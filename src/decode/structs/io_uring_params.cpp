// struct io_uring_params: in/out. The tracee sets flags (and sq_thread_*,
// cq_entries with IORING_SETUP_CQSIZE, wq_fd with ATTACH_WQ); the kernel
// fills the entry counts, features and ring offsets on success.
#include <linux/io_uring.h>

#include <array>
#include <cstring>

#include "decode/structs/structs.h"
#include "decode/xlat/xlat.h"

namespace whyfail::decode::structs {

namespace {

using xlat::Named;

const std::array kSetup = {
    XLAT(IORING_SETUP_IOPOLL), XLAT(IORING_SETUP_SQPOLL), XLAT(IORING_SETUP_SQ_AFF),
    XLAT(IORING_SETUP_CQSIZE), XLAT(IORING_SETUP_CLAMP), XLAT(IORING_SETUP_ATTACH_WQ),
    XLAT(IORING_SETUP_R_DISABLED), XLAT(IORING_SETUP_SUBMIT_ALL), XLAT(IORING_SETUP_COOP_TASKRUN),
    XLAT(IORING_SETUP_TASKRUN_FLAG), XLAT(IORING_SETUP_SQE128), XLAT(IORING_SETUP_CQE32),
    XLAT(IORING_SETUP_SINGLE_ISSUER), XLAT(IORING_SETUP_DEFER_TASKRUN),
    Named{1u << 14, "IORING_SETUP_NO_MMAP"}, Named{1u << 15, "IORING_SETUP_REGISTERED_FD_ONLY"},
    Named{1u << 16, "IORING_SETUP_NO_SQARRAY"}};

const std::array kFeatures = {
    XLAT(IORING_FEAT_SINGLE_MMAP), XLAT(IORING_FEAT_NODROP), XLAT(IORING_FEAT_SUBMIT_STABLE),
    XLAT(IORING_FEAT_RW_CUR_POS), XLAT(IORING_FEAT_CUR_PERSONALITY), XLAT(IORING_FEAT_FAST_POLL),
    XLAT(IORING_FEAT_POLL_32BITS), XLAT(IORING_FEAT_SQPOLL_NONFIXED), XLAT(IORING_FEAT_EXT_ARG),
    XLAT(IORING_FEAT_NATIVE_WORKERS), XLAT(IORING_FEAT_RSRC_TAGS), XLAT(IORING_FEAT_CQE_SKIP),
    XLAT(IORING_FEAT_LINKED_FILE), Named{1u << 13, "IORING_FEAT_REG_REG_RING"}};

Value sq_offsets(const io_sqring_offsets& o) {
  Value v;
  v.kind = Value::Kind::Struct;
  v.fields = {{"head", Value::make_uint(o.head)},         {"tail", Value::make_uint(o.tail)},
              {"ring_mask", Value::make_uint(o.ring_mask)}, {"ring_entries", Value::make_uint(o.ring_entries)},
              {"flags", Value::make_uint(o.flags)},       {"dropped", Value::make_uint(o.dropped)},
              {"array", Value::make_uint(o.array)}};
  return v;
}

Value cq_offsets(const io_cqring_offsets& o) {
  Value v;
  v.kind = Value::Kind::Struct;
  v.fields = {{"head", Value::make_uint(o.head)},         {"tail", Value::make_uint(o.tail)},
              {"ring_mask", Value::make_uint(o.ring_mask)}, {"ring_entries", Value::make_uint(o.ring_entries)},
              {"overflow", Value::make_uint(o.overflow)}, {"cqes", Value::make_uint(o.cqes)},
              {"flags", Value::make_uint(o.flags)}};
  return v;
}

}  // namespace

Value io_uring_params(std::string_view bytes) {
  Value v;
  v.kind = Value::Kind::Struct;
  ::io_uring_params p;
  if (bytes.size() < sizeof p) {
    v.truncated = true;
    return v;
  }
  std::memcpy(&p, bytes.data(), sizeof p);
  auto& f = v.fields;
  f.emplace_back("sq_entries", Value::make_uint(p.sq_entries));
  f.emplace_back("cq_entries", Value::make_uint(p.cq_entries));
  f.emplace_back("flags", xlat::flags_value(p.flags, kSetup));
  f.emplace_back("sq_thread_cpu", Value::make_uint(p.sq_thread_cpu));
  f.emplace_back("sq_thread_idle", Value::make_uint(p.sq_thread_idle));
  if (p.flags & IORING_SETUP_ATTACH_WQ) f.emplace_back("wq_fd", Value::make_fd(static_cast<int32_t>(p.wq_fd)));
  f.emplace_back("features", xlat::flags_value(p.features, kFeatures));
  // Non-zero reserved words make the kernel fail with EINVAL: show them then.
  if (p.resv[0] || p.resv[1] || p.resv[2]) {
    Value resv;
    resv.kind = Value::Kind::Array;
    for (uint32_t r : p.resv) resv.items.push_back(Value::make_hex(r));
    f.emplace_back("resv", std::move(resv));
  }
  f.emplace_back("sq_off", sq_offsets(p.sq_off));
  f.emplace_back("cq_off", cq_offsets(p.cq_off));
  return v;
}

}  // namespace whyfail::decode::structs
