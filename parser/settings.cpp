#include "parser/settings.h"
// Stub: replaced by the parser work.
