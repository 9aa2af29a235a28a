#include "parser/settings.h"
// Stub until the parser lands.
namespace stressql::parser {
std::string_view precision_name(Precision p) {
  static constexpr std::string_view kNames[] = {"ns", "u", "ms", "s", "m", "h"};
  return kNames[static_cast<int>(p)];
}
}  // namespace stressql::parser
