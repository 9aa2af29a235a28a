#include "reporting/go_duration.h"

namespace stressql::reporting {

std::string go_duration(int64_t ns) {
  // Placeholder until the reporting core lands.
  return std::to_string(ns) + "ns";
}

}  // namespace stressql::reporting
