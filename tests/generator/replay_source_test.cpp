// Replay's reading side (generator/lp_lines, replay_index, gzip_cursor, replay_source):
// what is a point, where its timestamp is, and that every request renders exactly its
// batch's lines, shifted for its pass, whatever thread renders it and in whatever order,
// from a plain file and from a gzip one. The expected bytes are built here line by line,
// not by the code under test.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "generator/lp_lines.h"
#include "generator/replay_source.h"

namespace stressql::generator {
namespace {

TEST(LpLines, TimestampIsTheLastTokenWhenItIsAnInteger) {
  size_t b = 0, e = 0;
  int64_t v = 0;
  ASSERT_TRUE(find_timestamp("cpu,host=a v=1i 1451606400000000000", &b, &e, &v));
  EXPECT_EQ(v, 1451606400000000000);
  EXPECT_EQ(b, 16u);
  ASSERT_TRUE(find_timestamp("cpu v=1 -5\r", &b, &e, &v));
  EXPECT_EQ(v, -5);
  EXPECT_EQ(e, 10u);
  EXPECT_FALSE(find_timestamp("cpu v=1", &b, &e, &v));
  EXPECT_FALSE(find_timestamp("cpu s=\"a 12\"", &b, &e, &v));
  EXPECT_FALSE(find_timestamp("cpu v=1 12a", &b, &e, &v));
  EXPECT_FALSE(find_timestamp("cpu v=1 99999999999999999999", &b, &e, &v));  // > int64
  EXPECT_FALSE(find_timestamp("12", &b, &e, &v));
  ASSERT_TRUE(find_timestamp("m v=1 9223372036854775807", &b, &e, &v));
  EXPECT_EQ(v, INT64_MAX);
  ASSERT_TRUE(find_timestamp("m v=1 -9223372036854775808", &b, &e, &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(find_timestamp("m v=1 9223372036854775808", &b, &e, &v));
  EXPECT_FALSE(find_timestamp("m v=1 --5", &b, &e, &v));
  EXPECT_FALSE(find_timestamp("m v=1 1-5", &b, &e, &v));
}

TEST(LpLines, FilterSkipsBlankCommentsAndTheDdlSection) {
  LineFilter f;
  EXPECT_FALSE(f.is_point("# INFLUXDB EXPORT: 1677-09-21T00:12:43Z - 2262-04-11T23:47:16Z"));
  EXPECT_FALSE(f.is_point("# DDL"));
  EXPECT_FALSE(f.is_point("CREATE DATABASE db WITH NAME autogen"));
  EXPECT_FALSE(f.is_point(""));
  EXPECT_FALSE(f.is_point("#  DML "));
  EXPECT_FALSE(f.is_point("# CONTEXT-DATABASE:db"));
  EXPECT_TRUE(f.is_point("cpu v=1 1"));
  EXPECT_FALSE(f.is_point(" \t\r"));
  EXPECT_FALSE(f.is_point("  # note"));
  EXPECT_TRUE(f.is_point("# DDLx is a comment, not a section") == false);
  EXPECT_TRUE(f.is_point("cpu v=2 2"));
}

TEST(LpLines, CopyPointsShiftsInPlaceWithRoomForLongerTimestamps) {
  const std::string in = "a v=1 1\n# c\nb v=2 22\r\n\nc v=3\nd v=4 -7\r\r\ne v=5 33\n";
  std::string buf = in + std::string(5 * kMaxTimestampGrowth, '\0');
  uint32_t points = 0;
  // Longer timestamps: the rest moves to the end of the buffer once, at the first.
  size_t n = copy_points(buf.data(), in.size(), buf.size(), true, 1000000000000000000, &points);
  EXPECT_EQ(points, 5u);
  EXPECT_EQ(buf.substr(0, n),
            "a v=1 1000000000000000001\nb v=2 1000000000000000022\nc v=3\n"
            "d v=4 999999999999999993\r\ne v=5 1000000000000000033\n");
  // Same length (2016 to 2024 in ns, say): in place.
  buf = in + std::string(5 * kMaxTimestampGrowth, '\0');
  n = copy_points(buf.data(), in.size(), buf.size(), true, 1, &points);
  EXPECT_EQ(buf.substr(0, n), "a v=1 2\nb v=2 23\nc v=3\nd v=4 -6\r\ne v=5 34\n");
  // Shorter and longer mixed.
  buf = in + std::string(5 * kMaxTimestampGrowth, '\0');
  n = copy_points(buf.data(), in.size(), buf.size(), true, -20, &points);
  EXPECT_EQ(buf.substr(0, n), "a v=1 -19\nb v=2 2\nc v=3\nd v=4 -27\r\ne v=5 13\n");
  buf = in;
  n = copy_points(buf.data(), in.size(), buf.size(), false, 0, &points);
  EXPECT_EQ(buf.substr(0, n), "a v=1 1\nb v=2 22\nc v=3\nd v=4 -7\r\ne v=5 33\n");
}

// Lines of one timestamp reuse the previous line's shifted digits: only when the line
// really ends in that token after a blank, so a token that merely ends the same way is
// read for itself.
TEST(LpLines, CopyPointsRepeatedTimestampsShiftLikeAnyOther) {
  const std::string in =
      "a v=1 12\nb v=2 12\nc v=-12\nd s=\"x 12\"\ne v=3 -12\nf v=4 -12\ng v=5 12\r\r\nh v=6 12\n"
      "i v=7 112\nj v=8 12\n";
  std::string buf = in + std::string(10 * kMaxTimestampGrowth, '\0');
  uint32_t points = 0;
  const size_t n = copy_points(buf.data(), in.size(), buf.size(), true, 1, &points);
  EXPECT_EQ(points, 10u);
  EXPECT_EQ(buf.substr(0, n),
            "a v=1 13\nb v=2 13\nc v=-12\nd s=\"x 12\"\ne v=3 -11\nf v=4 -11\ng v=5 13\r\nh v=6 13\n"
            "i v=7 113\nj v=8 13\n");
}

// A file of `n` points in `series` series, 10 units apart, with comments and blank lines
// among them; lines() are the points as written.
struct TestFile {
  std::string text;
  std::vector<std::string> lines;
  std::vector<int64_t> times;
};
TestFile make_file(int n, int series) {
  TestFile f;
  f.text = "# DDL\nCREATE DATABASE x\n# DML\n";
  for (int i = 0; i < n; ++i) {
    const int64_t t = 1000 + (i / series) * 10;
    f.lines.push_back("m,s=" + std::to_string(i % series) + " v=" + std::to_string(i) + "i ");
    f.times.push_back(t);
    f.text += f.lines.back() + std::to_string(t) + "\n";
    if (i % 7 == 3) f.text += "# comment " + std::to_string(i) + "\n";
    if (i % 11 == 5) f.text += "\n";
  }
  return f;
}

std::string write_temp(const std::string& text, bool gzip) {
  char name[] = "/tmp/stressql-replay-XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  ::close(fd);
  if (gzip) {
    gzFile gz = gzopen(name, "wb6");
    EXPECT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
    gzclose(gz);
  } else {
    std::FILE* out = std::fopen(name, "wb");
    std::fwrite(text.data(), 1, text.size(), out);
    std::fclose(out);
  }
  return name;
}

// Renders every request of `source` on `threads` threads, each taking the next index of a
// shared counter (as reactors claim them) and rendering it, so renders interleave.
std::vector<std::string> render_all(const ReplaySource& source, int threads) {
  std::vector<std::string> bodies(source.requests());
  std::atomic<uint64_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      std::vector<char> target(source.max_target_bytes()), body(source.max_body_bytes());
      for (uint64_t i; (i = next.fetch_add(1)) < source.requests();) {
        auto r = source.render(i, target.data(), body.data());
        EXPECT_EQ(r.points, source.request_points(i));
        bodies[i].assign(body.data(), r.body_len);
      }
    });
  }
  for (auto& th : pool) th.join();
  return bodies;
}

class ReplaySourceTest : public ::testing::TestWithParam<bool> {};  // gzip or not

TEST_P(ReplaySourceTest, EveryRequestIsItsBatchShiftedForItsPass) {
  const TestFile f = make_file(1003, 4);
  const std::string path = write_temp(f.text, GetParam());
  ReplayOptions o;
  o.path = path;
  o.target = "/write?db=x";
  o.batch_size = 10;
  o.loops = 3;
  o.shift = true;
  o.start_units = 99990;  // 1000 → 99990: timestamps grow from 4 to 5 and then 6 digits
  std::shared_ptr<const ReplaySource> source;
  ASSERT_TRUE(ReplaySource::create(o, &source));
  EXPECT_EQ(source->index().points(), 1003u);
  EXPECT_EQ(source->requests(), 101u * 3);
  EXPECT_EQ(source->points(), 3009u);
  // Span: the latest time − the earliest + the step, so pass 1 follows pass 0 by a step.
  const int64_t span = f.times.back() - f.times.front() + 10;
  EXPECT_EQ(source->span(), span);
  const std::vector<std::string> bodies = render_all(*source, 4);
  std::string got, want;
  for (const auto& b : bodies) got += b;
  for (int pass = 0; pass < 3; ++pass) {
    for (size_t i = 0; i < f.lines.size(); ++i) {
      want += f.lines[i] + std::to_string(f.times[i] - 1000 + 99990 + pass * span) + "\n";
    }
  }
  EXPECT_EQ(got, want);
  std::remove(path.c_str());
}

TEST_P(ReplaySourceTest, KeptTimestampsAreTheFileAsWrittenWithoutItsSkippedLines) {
  const TestFile f = make_file(57, 3);
  const std::string path = write_temp(f.text, GetParam());
  ReplayOptions o;
  o.path = path;
  o.target = "/write?db=x";
  o.batch_size = 8;
  std::shared_ptr<const ReplaySource> source;
  ASSERT_TRUE(ReplaySource::create(o, &source));
  std::string got, want;
  for (const auto& b : render_all(*source, 2)) got += b;
  for (size_t i = 0; i < f.lines.size(); ++i) want += f.lines[i] + std::to_string(f.times[i]) + "\n";
  EXPECT_EQ(got, want);
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(PlainAndGzip, ReplaySourceTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Gzip" : "Plain"; });

// Past ReplayIndex::kMaxEntries batches the index keeps every other offset and a render
// scans forward from the nearest; every batch still renders its own lines.
TEST(ReplayIndexStride, MoreBatchesThanEntriesStillRenderExactly) {
  const uint64_t n = ReplayIndex::kMaxEntries + ReplayIndex::kMaxEntries / 3;
  std::string text;
  text.reserve(n * 16);
  for (uint64_t i = 0; i < n; ++i) text += "m v=" + std::to_string(i) + "\n";
  const std::string path = write_temp(text, false);
  ReplayOptions o;
  o.path = path;
  o.batch_size = 1;
  std::shared_ptr<const ReplaySource> source;
  ASSERT_TRUE(ReplaySource::create(o, &source));
  EXPECT_EQ(source->index().stride(), 2u);
  std::vector<char> target(64), body(source->max_body_bytes());
  for (uint64_t i : {uint64_t{0}, uint64_t{1}, uint64_t{2}, uint64_t{3}, n / 2 + 1, n - 2, n - 1}) {
    auto r = source->render(i, target.data(), body.data());
    EXPECT_EQ(std::string(body.data(), r.body_len), "m v=" + std::to_string(i) + "\n") << i;
  }
  std::remove(path.c_str());
}

TEST(GzipCursor, OutOfOrderReadsWithinTheWindowDoNotStartOver) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "line " + std::to_string(i) + "\n";
  const std::string path = write_temp(text, true);
  std::unique_ptr<LpStream> stream;
  ASSERT_TRUE(LpStream::open(path, &stream));
  GzipCursor cursor(std::move(stream), 64 * 1024, text.size());
  std::vector<char> out(4096);
  std::mt19937 rng(7);
  // Two passes, ranges read up to 8 apart from the order they are asked for.
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<uint64_t> starts;
    for (uint64_t at = 0; at + 4096 <= text.size(); at += 4096) starts.push_back(at);
    for (size_t i = 0; i + 8 <= starts.size(); i += 8) std::shuffle(starts.begin() + i, starts.begin() + i + 8, rng);
    for (uint64_t at : starts) {
      ASSERT_TRUE(cursor.read(at, at + 4096, out.data()));
      ASSERT_EQ(std::string(out.data(), 4096), text.substr(at, 4096)) << at;
    }
  }
  EXPECT_EQ(cursor.rewinds(), 1u);  // the second pass starts over, nothing else does
  std::remove(path.c_str());
}

// Scatter rendering (render_scatter, what a plain-HTTP replay sends) writes the same bytes
// as render() (what TLS, gzip, --dry-run and --dump send): kept and shifted, one pass and
// two, with the table of lines and scanning the mapping per request, for a file with an
// export's DDL section, comments, blank lines and CRLF lines (some with '\r's between the
// timestamp and the end), short lines (copied with their new timestamp) and long ones (sent
// as pieces of the mapping).
struct ScatterCase {
  bool shift;
  uint64_t loops;
  bool table;
};
class ReplayScatterTest : public ::testing::TestWithParam<ScatterCase> {};

TEST_P(ReplayScatterTest, ConcatenatedIovecsAreTheRenderedBody) {
  const ScatterCase sc = GetParam();
  std::string text = "# INFLUXDB EXPORT\n# DDL\nCREATE DATABASE x\n# DML\n# CONTEXT-DATABASE: x\n";
  for (int i = 0; i < 500; ++i) {
    const int64_t t = 9990 + (i / 3) * 10;  // crosses 5 digits within the file
    // Every fifth line is longer than what a moved timestamp copies (sent as pieces).
    std::string line = "m,s=" + std::to_string(i % 3) + (i % 5 == 1 ? ",pad=" + std::string(1100, 'p') : "") +
                       " v=" + std::to_string(i) + "i";
    if (i % 13 == 4) line += "\n";  // no timestamp: the server stamps it, nothing moves
    else line += " " + std::to_string(t) + (i % 17 == 2 ? "\r\n" : i % 29 == 3 ? "\r\r\n" : "\n");
    text += line;
    if (i % 7 == 3) text += "  # comment\n";
    if (i % 11 == 5) text += "\n \t\n";
  }
  const std::string path = write_temp(text, false);
  ReplayOptions o;
  o.path = path;
  o.target = "/write?db=x&precision=ns";
  o.batch_size = 37;
  o.loops = sc.loops;
  o.shift = sc.shift;
  o.start_units = 99'999'999'995;  // more digits than the file's: every timestamp grows
  if (!sc.table) o.line_table_budget = 0;
  std::shared_ptr<const ReplaySource> source;
  ASSERT_TRUE(ReplaySource::create(o, &source));
  EXPECT_EQ(source->has_line_table(), sc.table);
  const auto room = source->scatter_room();
  ASSERT_GT(room.iovecs, 0u);
  std::vector<char> target(source->max_target_bytes()), body(source->max_body_bytes());
  std::vector<char> target2(source->max_target_bytes()), area(room.bytes);
  std::vector<iovec> iov(room.iovecs);
  for (uint64_t i = 0; i < source->requests(); ++i) {
    const auto want = source->render(i, target.data(), body.data());
    const auto got = source->render_scatter(i, target2.data(), iov.data(), area.data());
    ASSERT_LE(got.iov_count, room.iovecs);
    std::string bytes;
    for (uint32_t k = 0; k < got.iov_count; ++k) bytes.append(static_cast<const char*>(iov[k].iov_base), iov[k].iov_len);
    EXPECT_EQ(bytes, std::string(body.data(), want.body_len)) << "request " << i;
    EXPECT_EQ(got.body_len, want.body_len);
    EXPECT_EQ(got.points, want.points);
    EXPECT_EQ(std::string(target2.data(), got.target_len), std::string(target.data(), want.target_len));
  }
  std::string why;
  EXPECT_FALSE(source->failed(&why)) << why;
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(
    KeptShiftedLoopsTable, ReplayScatterTest,
    ::testing::Values(ScatterCase{false, 1, true}, ScatterCase{false, 2, true}, ScatterCase{true, 1, true},
                      ScatterCase{true, 2, true}, ScatterCase{false, 1, false}, ScatterCase{false, 2, false},
                      ScatterCase{true, 1, false}, ScatterCase{true, 2, false}),
    [](const auto& info) {
      return std::string(info.param.shift ? "Shifted" : "Kept") + "Loops" + std::to_string(info.param.loops) +
             (info.param.table ? "Table" : "Scan");
    });

// Kept timestamps in one pass: a batch with no skipped line among its points is one run of
// the mapping, whatever its size.
TEST(ReplayScatter, KeptLinesOfOneRunAreOneIovec) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "m v=" + std::to_string(i) + " " + std::to_string(1000 + i) + "\n";
  const std::string path = write_temp(text, false);
  ReplayOptions o;
  o.path = path;
  o.batch_size = 50;
  std::shared_ptr<const ReplaySource> source;
  ASSERT_TRUE(ReplaySource::create(o, &source));
  std::vector<char> target(source->max_target_bytes() + 1), area(source->scatter_room().bytes);
  std::vector<iovec> iov(source->scatter_room().iovecs);
  const auto got = source->render_scatter(1, target.data(), iov.data(), area.data());
  ASSERT_EQ(got.iov_count, 1u);
  EXPECT_EQ(std::string(static_cast<const char*>(iov[0].iov_base), iov[0].iov_len), text.substr(text.find("m v=50 ")));
  std::remove(path.c_str());
}

// Loops of a small shifted file keep each batch's copied lines (kept bodies): a later pass
// of a batch rewrites only the digits, in the same memory. Every request is still exactly
// render()'s bytes, whatever order and threads, including passes whose timestamps gain a
// digit (rendered anew) and lines without a timestamp or with '\r's (sent from the
// mapping or kept as they are); a body whose send may still be in the kernel
// (EINPROGRESS) is never written again.
std::string gather(const iovec* iov, uint32_t n) {
  std::string out;
  for (uint32_t k = 0; k < n; ++k) out.append(static_cast<const char*>(iov[k].iov_base), iov[k].iov_len);
  return out;
}

// The file of these tests, in a temporary file removed with it, and its source.
struct KeptReplay {
  KeptReplay() {
    std::string text = "# DML\n";
    for (int i = 0; i < 120; ++i) {
      text += "m,s=" + std::to_string(i % 4) + " v=" + std::to_string(i) + "i";
      if (i % 19 == 7) text += "\n";  // no timestamp: the server stamps it, nothing moves
      else text += " " + std::to_string(9000 + (i / 4) * 10) + (i % 23 == 2 ? "\r\n" : "\n");
    }
    path = write_temp(text, false);
    ReplayOptions o;
    o.path = path;
    o.batch_size = 25;  // 5 batches a pass
    o.loops = 6;        // a span of 300: passes 4 and 5 cross 10000 (a fifth digit)
    o.shift = true;
    o.start_units = 9000;
    EXPECT_TRUE(ReplaySource::create(o, &source));
  }
  ~KeptReplay() { std::remove(path.c_str()); }
  std::string path;
  std::shared_ptr<const ReplaySource> source;
};

TEST(ReplayScatter, LoopsRewriteKeptBodiesInPlace) {
  const KeptReplay file;
  const auto& source = file.source;
  ASSERT_TRUE(source);
  const uint64_t batches = source->index().batches();
  ASSERT_EQ(batches, 5u);
  const auto room = source->scatter_room();
  std::vector<char> target(source->max_target_bytes() + 1), body(source->max_body_bytes());
  std::vector<char> target2(source->max_target_bytes() + 1), area(room.bytes);
  std::vector<iovec> iov(room.iovecs);
  auto in_area = [&](const iovec& v) {
    const char* p = static_cast<const char*>(v.iov_base);
    return p >= area.data() && p < area.data() + area.size();
  };
  std::vector<const void*> last(batches, nullptr);  // where the pass before copied each batch
  for (uint64_t i = 0; i < source->requests(); ++i) {
    const auto want = source->render(i, target.data(), body.data());
    const auto got = source->render_scatter(i, target2.data(), iov.data(), area.data());
    ASSERT_EQ(gather(iov.data(), got.iov_count), std::string(body.data(), want.body_len)) << "request " << i;
    EXPECT_EQ(got.points, want.points);
    const void* copy = nullptr;
    for (uint32_t k = 0; k < got.iov_count; ++k) {
      EXPECT_FALSE(in_area(iov[k])) << "request " << i << ": kept bodies are the source's";
      if (copy == nullptr && iov[k].iov_len > 1) copy = iov[k].iov_base;
    }
    // Pass 0 moves nothing (sent from the mapping); pass 1 copies each batch; every later
    // pass writes the same memory again (in place, or anew where a timestamp grew).
    if (i >= 2 * batches) {
      EXPECT_EQ(copy, last[i % batches]) << "request " << i;
    }
    last[i % batches] = copy;
    source->scatter_done(i, 0);
  }
  std::string why;
  EXPECT_FALSE(source->failed(&why)) << why;
}

TEST(ReplayScatter, AKeptBodyASendMayStillReadIsNeverRewritten) {
  const KeptReplay file;
  const auto& source = file.source;
  ASSERT_TRUE(source);
  const uint64_t batches = source->index().batches();
  const auto room = source->scatter_room();
  std::vector<char> target(source->max_target_bytes() + 1), body(source->max_body_bytes()), area(room.bytes);
  std::vector<iovec> iov(room.iovecs);
  // Request `batches`: batch 0 of pass 1, the first pass that moves timestamps (copied).
  const auto r0 = source->render_scatter(batches, target.data(), iov.data(), area.data());
  const std::vector<iovec> iov0(iov.begin(), iov.begin() + r0.iov_count);
  const std::string bytes0 = gather(iov0.data(), r0.iov_count);
  source->scatter_done(batches, EINPROGRESS);  // timed out with its send in the kernel
  for (uint64_t i = 2 * batches; i < source->requests(); i += batches) {  // batch 0's later passes
    const auto want = source->render(i, target.data(), body.data());
    const auto got = source->render_scatter(i, target.data(), iov.data(), area.data());
    EXPECT_EQ(gather(iov.data(), got.iov_count), std::string(body.data(), want.body_len)) << "request " << i;
    EXPECT_EQ(gather(iov0.data(), r0.iov_count), bytes0) << "the timed-out body changed under its send";
    source->scatter_done(i, 0);
  }
}

TEST(ReplayScatter, KeptBodiesOnTwoThreadsAreEachRequestsOwn) {
  const KeptReplay file;
  const auto& source = file.source;
  ASSERT_TRUE(source);
  std::vector<std::string> want(source->requests());
  {
    std::vector<char> target(source->max_target_bytes() + 1), body(source->max_body_bytes());
    for (uint64_t i = 0; i < source->requests(); ++i) {
      want[i].assign(body.data(), source->render(i, target.data(), body.data()).body_len);
    }
  }
  // Each thread holds up to three requests at once, as a reactor's connections do, checks
  // each one's bytes only when it finishes it (so another thread's rewrite would show), then
  // calls scatter_done.
  std::atomic<uint64_t> next{0};
  auto worker = [&] {
    const auto room = source->scatter_room();
    std::vector<char> target(source->max_target_bytes() + 1);
    struct Held {
      uint64_t index;
      std::vector<iovec> iov;
      std::vector<char> area;
      uint32_t count;
    };
    std::vector<Held> held;
    auto finish = [&] {
      Held& h = held.front();
      EXPECT_EQ(gather(h.iov.data(), h.count), want[h.index]) << "request " << h.index;
      source->scatter_done(h.index, 0);
      held.erase(held.begin());
    };
    for (uint64_t i; (i = next.fetch_add(1)) < source->requests();) {
      Held h{i, std::vector<iovec>(room.iovecs), std::vector<char>(room.bytes), 0};
      h.count = source->render_scatter(i, target.data(), h.iov.data(), h.area.data()).iov_count;
      held.push_back(std::move(h));
      if (held.size() == 3) finish();
    }
    while (!held.empty()) finish();
  };
  for (int round = 0; round < 20; ++round) {
    next = 0;
    std::thread a(worker), b(worker);
    a.join();
    b.join();
  }
}

// A file truncated while it is replayed: a scatter render must not read the mapping past
// the file's end (SIGBUS); the request goes out empty and the source says the file changed.
TEST(ReplayScatter, ATruncatedFileFailsTheSourceWithoutACrash) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "m v=" + std::to_string(i) + " " + std::to_string(1000 + i) + "\n";
  const std::string path = write_temp(text, false);
  for (bool table : {true, false}) {
    ReplayOptions o;
    o.path = path;
    o.batch_size = 100;
    o.shift = true;
    if (!table) o.line_table_budget = 0;
    std::shared_ptr<const ReplaySource> source;
    ASSERT_TRUE(ReplaySource::create(o, &source));
    ASSERT_EQ(::truncate(path.c_str(), 100), 0);
    std::vector<char> target(source->max_target_bytes() + 1), area(source->scatter_room().bytes);
    std::vector<iovec> iov(source->scatter_room().iovecs);
    const auto got = source->render_scatter(9, target.data(), iov.data(), area.data());
    EXPECT_EQ(got.body_len, 0u);
    EXPECT_EQ(got.points, 0u);
    std::string why;
    ASSERT_TRUE(source->failed(&why));
    EXPECT_NE(why.find("the file changed while it was replayed"), std::string::npos) << why;
    // Back to its size for the second round.
    std::FILE* out = std::fopen(path.c_str(), "wb");
    std::fwrite(text.data(), 1, text.size(), out);
    std::fclose(out);
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace stressql::generator
