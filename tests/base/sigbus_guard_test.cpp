#include "base/sigbus_guard.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string>

namespace stressql::base {
namespace {

// A two-page file mapped read-only, then truncated to nothing: reading the mapping raises
// SIGBUS (what a replayed file truncated mid-run does to the renderer's reads).
class TruncatedMapping : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/stressql-sigbus-XXXXXX";
    fd_ = ::mkstemp(name);
    ASSERT_GE(fd_, 0);
    ::unlink(name);
    page_ = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const std::string bytes(2 * page_, 'x');
    ASSERT_EQ(::write(fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    void* m = ::mmap(nullptr, 2 * page_, PROT_READ, MAP_SHARED, fd_, 0);
    ASSERT_NE(m, MAP_FAILED);
    map_ = static_cast<const volatile char*>(m);
  }
  void TearDown() override {
    if (map_ != nullptr) ::munmap(const_cast<char*>(map_), 2 * page_);
    if (fd_ >= 0) ::close(fd_);
  }
  int fd_ = -1;
  size_t page_ = 0;
  const volatile char* map_ = nullptr;
};

TEST_F(TruncatedMapping, AGuardedReadPastTheEndReturnsFalseAndTheThreadGoesOn) {
  char seen = 0;
  EXPECT_TRUE(catching_sigbus([&] { seen = map_[page_ + 7]; }));
  EXPECT_EQ(seen, 'x');
  ASSERT_EQ(::ftruncate(fd_, 0), 0);
  seen = 0;
  EXPECT_FALSE(catching_sigbus([&] { seen = map_[page_ + 7]; }));
  EXPECT_EQ(seen, 0);
  // Again: the mask was restored (SIGBUS is not left blocked) and the guard still works.
  EXPECT_FALSE(catching_sigbus([&] { seen = map_[3]; }));
  EXPECT_TRUE(catching_sigbus([&] { seen = 'y'; }));
  EXPECT_EQ(seen, 'y');
}

TEST_F(TruncatedMapping, AnUnguardedReadStillDiesOfSigbus) {
  EXPECT_TRUE(catching_sigbus([] {}));  // the handler is installed
  ASSERT_EQ(::ftruncate(fd_, 0), 0);
  EXPECT_EXIT({ volatile char c = map_[page_]; (void)c; std::exit(0); }, ::testing::KilledBySignal(SIGBUS), "");
}

}  // namespace
}  // namespace stressql::base
