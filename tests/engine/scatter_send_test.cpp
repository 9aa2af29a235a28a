// A scatter body's send resumes at the right (iovec, offset) after a partial send
// (engine/connection.h advance_iovecs): the bytes still to send, read from the advanced
// array, are always the body's remainder, whatever the split. Over loopback io_uring's
// MSG_WAITALL rarely returns a short send, so the end-to-end tests seldom reach this.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/connection.h"

namespace stressql::engine {
namespace {

std::string rest(const std::vector<iovec>& iov, uint32_t next) {
  std::string s;
  for (uint32_t i = next; i < iov.size(); ++i) s.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  return s;
}

TEST(ScatterSend, PartialSendsResumeAtTheFirstByteNotSent) {
  std::mt19937 rng(7);
  std::string body;
  std::vector<std::pair<size_t, size_t>> pieces;  // (offset, length) into body
  for (int i = 0; i < 3000; ++i) {
    const size_t len = 1 + rng() % 40;
    pieces.emplace_back(body.size(), len);
    for (size_t k = 0; k < len; ++k) body += static_cast<char>('a' + rng() % 26);
  }
  for (int round = 0; round < 50; ++round) {
    std::vector<iovec> iov;
    for (auto [at, len] : pieces) iov.push_back(iovec{body.data() + at, len});
    uint32_t next = 0;
    size_t sent = 0;
    while (sent < body.size()) {
      // A send takes at most 1024 iovecs (kMaxSendIovecs) and may stop anywhere in them.
      size_t window = 0;
      for (uint32_t i = next; i < iov.size() && i < next + 1024; ++i) window += iov[i].iov_len;
      const size_t n = round == 0 ? window : 1 + rng() % window;
      advance_iovecs(iov.data(), static_cast<uint32_t>(iov.size()), &next, n);
      sent += n;
      ASSERT_EQ(rest(iov, next), body.substr(sent)) << "after " << sent << " bytes";
    }
    EXPECT_EQ(next, iov.size());
  }
}

}  // namespace
}  // namespace stressql::engine
