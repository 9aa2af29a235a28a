// The spool file of results rows: what is appended is in the file byte for byte, in chunks of
// at most so many rows; a rewrite keeps exactly the chunks not posted; a failure to write
// sticks and leaves no half batch behind.
#include "results/results_spool.h"
#include "tests/support/process.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace stressql::results {
namespace {

using testing::read_file;

// `n` rows "m v=<first..>i <first..>\n".
std::string rows(int first, int n) {
  std::string out;
  for (int i = first; i < first + n; ++i) out += "m v=" + std::to_string(i) + "i " + std::to_string(i) + "\n";
  return out;
}

class ResultsSpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/results_spool_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/rows.lp";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
  std::string path_;
};

TEST_F(ResultsSpoolTest, NothingIsCreatedBeforeTheFirstAppend) {
  ResultsSpool spool(path_, 10);
  EXPECT_FALSE(spool.created());
  spool.close(true);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(ResultsSpoolTest, AppendsMakeChunksOfAtMostSoManyRows) {
  std::ofstream(path_) << "left from an earlier run\n";  // truncated by the first append
  ResultsSpool spool(path_, 10);
  ASSERT_TRUE(spool.append(rows(0, 4), 4));
  ASSERT_TRUE(spool.append(rows(4, 6), 6));   // 10: still the first chunk
  ASSERT_TRUE(spool.append(rows(10, 3), 3));  // would be 13: a new chunk
  ASSERT_TRUE(spool.append(rows(13, 20), 20));  // a batch larger than a chunk is one chunk
  EXPECT_EQ(read_file(path_), rows(0, 33));
  EXPECT_EQ(spool.bytes(), rows(0, 33).size());
  const auto& c = spool.chunks();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].offset, 0u);
  EXPECT_EQ(c[0].bytes, rows(0, 10).size());
  EXPECT_EQ(c[0].rows, 10u);
  EXPECT_EQ(c[1].offset, rows(0, 10).size());
  EXPECT_EQ(c[1].rows, 3u);
  EXPECT_EQ(c[2].offset, rows(0, 13).size());
  EXPECT_EQ(c[2].rows, 20u);
  std::string text;
  ASSERT_TRUE(spool.read(c[1], &text));
  EXPECT_EQ(text, rows(10, 3));
  spool.close(false);
  EXPECT_EQ(read_file(path_), rows(0, 33));
}

TEST_F(ResultsSpoolTest, RewriteKeepsOnlyTheUnpostedChunks) {
  ResultsSpool spool(path_, 5);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(spool.append(rows(i * 5, 5), 5));
  ASSERT_EQ(spool.chunks().size(), 4u);
  ASSERT_TRUE(spool.keep_only_unposted({1, 0, 1, 0}));
  EXPECT_EQ(read_file(path_), rows(5, 5) + rows(15, 5));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
  // The index describes the new file, and reads come from it.
  const auto& c = spool.chunks();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].offset, rows(5, 5).size());
  std::string text;
  ASSERT_TRUE(spool.read(c[1], &text));
  EXPECT_EQ(text, rows(15, 5));
  // A second rewrite works on the new file.
  ASSERT_TRUE(spool.keep_only_unposted({0, 1}));
  EXPECT_EQ(read_file(path_), rows(5, 5));
  spool.close(true);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(ResultsSpoolTest, FailedRewriteLeavesTheFileAsItWas) {
  ResultsSpool spool(path_, 5);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(spool.append(rows(i * 5, 5), 5));
  std::filesystem::create_directory(path_ + ".tmp");  // the rewrite cannot create its file
  base::Status st = spool.keep_only_unposted({1, 0, 0});
  EXPECT_FALSE(st);
  EXPECT_NE(st.message().find(path_), std::string::npos) << st.message();
  EXPECT_EQ(read_file(path_), rows(0, 15));
  EXPECT_EQ(spool.chunks().size(), 3u);
}

TEST_F(ResultsSpoolTest, FailureToCreateSticks) {
  ResultsSpool spool(dir_ + "/no/such/dir/rows.lp", 5);
  EXPECT_FALSE(spool.append(rows(0, 1), 1));
  EXPECT_EQ(spool.error(), "No such file or directory");
  EXPECT_FALSE(spool.append(rows(1, 1), 1));
  EXPECT_TRUE(spool.chunks().empty());
}

TEST_F(ResultsSpoolTest, FailedAppendLeavesNoHalfBatch) {
  if (access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no /dev/full";
  // /dev/full takes no byte: the batch is refused whole, and later ones too.
  ResultsSpool spool("/dev/full", 5);
  base::Status st = spool.append(rows(0, 3), 3);
  EXPECT_FALSE(st);
  EXPECT_EQ(spool.error().rfind("No space left on device", 0), 0u) << spool.error();
  EXPECT_FALSE(spool.append(rows(3, 1), 1));
  EXPECT_TRUE(spool.chunks().empty());
  EXPECT_EQ(spool.bytes(), 0u);
}

}  // namespace
}  // namespace stressql::results
