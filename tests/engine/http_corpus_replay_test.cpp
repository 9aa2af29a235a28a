// Replays the HTTP response fuzzer's corpus (tests/engine/http_corpus/) in every build:
// each file goes through the fuzz target itself, so its checks (same answers in one piece
// and in random pieces, progress, error_message() bounds) run in ctest, under ASan and
// TSan too; a failed check traps and fails the test. The hand-written seeds are also
// parsed here in one piece and their answers compared with what each seed was written to
// be, so a parser that rejects (or misreads) a real server's answer fails by name.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/http_response.h"
#include "tests/parser/corpus_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace stressql::engine {
namespace {

using stressql::parser::testing::files_under;
using stressql::parser::testing::slurp;

struct Answer {
  uint16_t status = 0;
  bool json_error = false;
  int64_t retry_after_s = -1;
  uint32_t dropped = 0;
  bool keep_alive = true;
  bool operator==(const Answer& o) const {
    return status == o.status && json_error == o.json_error && retry_after_s == o.retry_after_s &&
           dropped == o.dropped && keep_alive == o.keep_alive;
  }
};

std::ostream& operator<<(std::ostream& os, const Answer& a) {
  return os << "{status " << a.status << ", json_error " << a.json_error << ", retry_after "
            << a.retry_after_s << ", dropped " << a.dropped << ", keep_alive " << a.keep_alive << "}";
}

// The answers in a corpus file's stream (its bytes after the fuzzer's five-byte prefix),
// parsed in one piece with the flags of its first byte; false on a parse error.
bool parse_whole(const std::string& file, std::vector<Answer>* answers) {
  ResponseParser parser;
  parser.reset((file[0] & 1) != 0, (file[0] & 2) != 0);
  const char* p = file.data() + 5;
  size_t left = file.size() - 5;
  auto take = [&] {
    const HttpResponse& r = parser.response();
    answers->push_back(Answer{r.status, r.json_error, r.retry_after_s, r.dropped, r.keep_alive});
  };
  while (left > 0) {
    size_t used = 0;
    ResponseParser::Result r = parser.feed(p, left, &used);
    if (r == ResponseParser::Result::kError) return false;
    if (r == ResponseParser::Result::kNeedMore) break;
    if (used == 0) return false;  // no progress: this loop would never end
    take();
    p += used;
    left -= used;
  }
  if (parser.in_progress()) {
    if (parser.finish() != ResponseParser::Result::kComplete) return false;
    take();
  }
  return true;
}

// What each hand-written seed holds: real InfluxDB answers and the faults stressql meets.
const std::map<std::string, std::vector<Answer>>& seeds() {
  static const auto* kSeeds = new std::map<std::string, std::vector<Answer>>{
      {"http10_to_eof", {{200, false, -1, 0, false}}},
      {"ok_204", {{204}}},
      {"partial_write_400", {{400, false, -1, 3, true}}},
      {"pipelined_two", {{204}, {503, false, 0, 0, false}}},
      {"query_error_chunked", {{200, true}}},
      {"query_ok_json", {{200}}},
      {"retry_after_429", {{429, false, 17, 0, true}}},
  };
  return *kSeeds;
}

TEST(HttpCorpusReplay, EveryFileKeepsTheFuzzTargetsChecks) {
  auto files = files_under("tests/engine/http_corpus");
  ASSERT_GE(files.size(), seeds().size());
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    const std::string bytes = slurp(path);
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0);
  }
}

TEST(HttpCorpusReplay, SeedsParseToTheAnswersTheyHold) {
  for (const auto& [name, want] : seeds()) {
    SCOPED_TRACE(name);
    const std::string file = slurp(std::filesystem::path(STRESSQL_SOURCE_DIR) / "tests/engine/http_corpus" / name);
    ASSERT_GT(file.size(), 5u) << "missing or empty seed";
    std::vector<Answer> got;
    EXPECT_TRUE(parse_whole(file, &got)) << "a parse error";
    EXPECT_EQ(got, want);
  }
}

}  // namespace
}  // namespace stressql::engine
