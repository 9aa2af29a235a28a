#pragma once
namespace stressql {
// "0.1.0"
const char* version();
}  // namespace stressql
