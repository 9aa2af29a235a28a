#include "base/random.h"

#include <random>

namespace stressql::base {

uint64_t random_seed() {
  std::random_device rd;
  uint64_t s = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return s != 0 ? s : 1;
}

}  // namespace stressql::base
