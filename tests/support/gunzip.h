#pragma once
// Decompresses what a client sent with Content-Encoding: gzip, for tests: zlib's streaming
// inflate, which reads the members as they come and trusts no size field (a gzip trailer's
// ISIZE is the length modulo 2^32, and a wrong one must not decide what a test sees).

#include <cstddef>
#include <string>

namespace stressql::testing {

// Inflates every gzip member in in[0, n) into *out. False when `in` is not one or more whole
// gzip members (truncated, corrupt, trailing bytes that are not a member).
bool gunzip(const char* in, size_t n, std::string* out);

}  // namespace stressql::testing
