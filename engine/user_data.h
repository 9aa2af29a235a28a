#pragma once
// The one user_data codec: every SQE the engine submits carries (operation, connection
// slot, generation). A connection's generation changes whenever its socket is closed, so a
// completion that arrives for an older socket is recognised as stale (reactor.cpp drops
// stale completions in one place).

#include <cstdint>

namespace stressql::engine {

enum class Op : uint8_t {
  kConnect = 1,
  kSend = 2,    // plain send
  kSendZc = 3,  // zero-copy send: a result CQE, then (with F_MORE) a NOTIF CQE
  kRecv = 4,    // multishot recv over the provided-buffer ring
  kWake = 5,    // read of the reactor's eventfd (control → reactor doorbell)
};

struct UserData {
  Op op;
  uint32_t slot;  // < 2^24
  uint32_t generation;
};

inline constexpr uint32_t kMaxSlots = 1u << 24;

inline uint64_t encode_user_data(Op op, uint32_t slot, uint32_t generation) {
  return (static_cast<uint64_t>(op) << 56) | (static_cast<uint64_t>(slot & (kMaxSlots - 1)) << 32) |
         generation;
}

inline UserData decode_user_data(uint64_t v) {
  return UserData{static_cast<Op>(v >> 56), static_cast<uint32_t>((v >> 32) & (kMaxSlots - 1)),
                  static_cast<uint32_t>(v)};
}

}  // namespace stressql::engine
