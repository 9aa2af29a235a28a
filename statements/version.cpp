#include "statements/version.h"
namespace stressql {
const char* version() { return STRESSQL_VERSION; }
}  // namespace stressql
