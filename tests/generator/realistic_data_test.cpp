// SPEC §7.2 realistic data through PointPlan: the statistics of MissingPoints,
// MissingFields, Disorder and Churn over several seeds, `per` tags, walks and counters, the
// state's size, and that any split or order of rendering gives the same bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "generator/point_plan.h"
#include "parser/parser.h"

namespace stressql::generator {
namespace {

// The plan of the script's only INSERT (SETs before it apply).
std::shared_ptr<const PointPlan> plan_of(const std::string& script, uint64_t seed) {
  parser::ParseResult r = parser::parse_script("t.iql", script);
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].message);
  for (size_t i = 0; i < r.script.statements.size(); ++i) {
    if (auto* ins = std::get_if<parser::InsertStmt>(&r.script.statements[i].body)) {
      const parser::Settings& s = r.settings_for(i);
      std::shared_ptr<const PointPlan> plan;
      base::Status st = PointPlan::create(*ins, plan_options(s, seed, s.start_date.unix_ns), &plan);
      EXPECT_TRUE(st.is_ok()) << st.message();
      return plan;
    }
  }
  ADD_FAILURE() << "no INSERT";
  return nullptr;
}

std::string render_all(const PointPlan& p, uint64_t batch = 1000, uint64_t* lines = nullptr) {
  std::string out;
  std::vector<char> buf(batch * p.max_line_bytes());
  uint64_t total = 0;
  for (uint64_t k = 0; k < p.points(); k += batch) {
    uint64_t n = std::min(batch, p.points() - k), got = 0;
    out.append(buf.data(), p.render(k, n, buf.data(), &got));
    total += got;
  }
  if (lines) *lines = total;
  return out;
}

struct Line {
  std::string key;
  std::map<std::string, std::string> fields;
  int64_t ts = 0;
};

std::vector<Line> parse_lines(const std::string& text) {
  std::vector<Line> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    Line x;
    size_t sp1 = l.find(' '), sp2 = l.rfind(' ');
    x.key = l.substr(0, sp1);
    x.ts = std::stoll(l.substr(sp2 + 1));
    std::string fs = l.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t start = 0;
    while (start <= fs.size()) {
      size_t comma = fs.find(',', start);
      std::string f = fs.substr(start, comma - start);
      x.fields[f.substr(0, f.find('='))] = f.substr(f.find('=') + 1);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    out.push_back(std::move(x));
  }
  return out;
}

const char* kHead = "SET Precision [s]\n\nSET StartDate [2016-01-01]\n\n";

TEST(RealisticData, MissingPointsShareAndAccounting) {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    auto plan = plan_of(std::string(kHead) + "SET MissingPoints [10%]\n\nINSERT x\ncpu,h=[int inc(0) 100] v=[int walk(5, 1, 0, 10)] 50000 10s\n", seed);
    uint64_t lines = 0;
    std::string text = render_all(*plan, 777, &lines);
    const uint64_t skipped = plan->skipped_in(0, plan->points());
    EXPECT_EQ(lines + skipped, plan->points());
    EXPECT_EQ(static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n')), lines);
    EXPECT_NEAR(double(skipped) / double(plan->points()), 0.10, 0.01) << "seed " << seed;
  }
}

TEST(RealisticData, MissingFieldsShareAndOneFieldStays) {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    auto plan = plan_of(std::string(kHead) +
                            "SET MissingFields [40%]\n\nINSERT x\ncpu,h=[int inc(0) 50] "
                            "a=[int walk(5, 1, 0, 10)],b=1i,c=[float normal(1.0, 1)],d=[int rand(9) 0] 20000 10s\n",
                        seed);
    std::vector<Line> lines = parse_lines(render_all(*plan));
    ASSERT_EQ(lines.size(), plan->points());
    uint64_t present = 0;
    for (const Line& l : lines) {
      ASSERT_GE(l.fields.size(), 1u);
      present += l.fields.size();
    }
    // 40% each, and the all-missing case (0.4^4 = 2.6%) keeps one.
    const double expected = 0.4 - 0.4 * 0.4 * 0.4 * 0.4 / 4;
    EXPECT_NEAR(1 - double(present) / (4.0 * lines.size()), expected, 0.015) << "seed " << seed;
  }
}

TEST(RealisticData, DisorderShareWithinAndEveryPointOnce) {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    auto ordered = plan_of(std::string(kHead) + "INSERT x\ncpu,h=[int inc(0) 20] v=1i 20000 10s\n", seed);
    auto late = plan_of(std::string(kHead) + "SET Disorder [20% within 1m]\n\nINSERT x\ncpu,h=[int inc(0) 20] v=1i 20000 10s\n", seed);
    std::vector<Line> a = parse_lines(render_all(*ordered)), b = parse_lines(render_all(*late, 333));
    std::multiset<std::pair<std::string, int64_t>> sa, sb;
    for (const Line& l : a) sa.insert({l.key, l.ts});
    for (const Line& l : b) sb.insert({l.key, l.ts});
    EXPECT_EQ(sa, sb) << "every point once";
    std::map<std::string, int64_t> newest;
    uint64_t out_of_order = 0;
    for (const Line& l : b) {
      auto it = newest.find(l.key);
      if (it != newest.end() && l.ts < it->second) {
        ++out_of_order;
        EXPECT_LE(it->second - l.ts, 60) << "sent at most 1m of timestamps late";
      }
      newest[l.key] = std::max(newest[l.key], l.ts);
    }
    // A held point is out of order unless only held points follow it in its block of
    // L = 7 timestamps: p (1 - (1 - p^L) / (L (1 - p))) = 0.164 for p = 0.2.
    const double p = 0.2, len = 7;
    const double expected = p * (1 - (1 - std::pow(p, len)) / (len * (1 - p)));
    EXPECT_NEAR(double(out_of_order) / double(b.size()), expected, 0.01) << "seed " << seed;
  }
}

TEST(RealisticData, ChurnKeepsLiveSeriesAndGrowsTheTotal) {
  for (uint64_t seed : {1, 2, 3}) {
    // 100 hosts, 10% replaced every minute (6 timestamps), 60 minutes.
    auto plan = plan_of(std::string(kHead) + "SET Churn [10% every 1m]\n\nINSERT x\ncpu,h=host_[int inc(0) 100],r=[a|b|c per h] v=[int counter(0, 5)] 36000 10s\n", seed);
    std::vector<Line> lines = parse_lines(render_all(*plan));
    std::set<std::string> all;
    std::map<int64_t, std::set<std::string>> per_minute;
    std::map<std::string, std::string> region_of;
    std::map<std::string, int64_t> last_value;
    for (const Line& l : lines) {
      all.insert(l.key);
      per_minute[(l.ts - 1451606400) / 60].insert(l.key);
      std::string host = l.key.substr(l.key.find("h=") + 2, l.key.find(",r=") - l.key.find("h=") - 2);
      std::string region = l.key.substr(l.key.find(",r=") + 3);
      auto [it, fresh] = region_of.emplace(host, region);
      EXPECT_EQ(it->second, region) << "one region per host";
      int64_t v = std::stoll(l.fields.at("v"));
      auto [lv, first] = last_value.emplace(l.key, v);
      if (!first) {
        EXPECT_GE(v, lv->second) << "a counter only grows";
        lv->second = v;
      } else {
        EXPECT_LE(v, 5) << "a new series starts its counter afresh";
      }
    }
    EXPECT_EQ(all.size(), 100u + 10u * 59u) << "seed " << seed;
    for (const auto& [minute, keys] : per_minute) EXPECT_EQ(keys.size(), 100u) << "minute " << minute;
  }
}

// QUERY's %t names a point's tags through tag_value(): under Churn, the names render() wrote.
TEST(RealisticData, TagValueFollowsChurn) {
  auto plan = plan_of(std::string(kHead) + "SET Churn [10% every 1m]\n\nINSERT x\ncpu,h=host_[int inc(0) 100],r=[a|b|c per h] v=[int counter(0, 5)] 36000 10s\n", 7);
  std::vector<Line> lines = parse_lines(render_all(*plan));
  ASSERT_EQ(lines.size(), plan->points());
  size_t renamed = 0;
  for (uint64_t k = 0; k < lines.size(); k += 97) {
    const std::string want = "cpu,h=" + plan->tag_value(k, 0) + ",r=" + plan->tag_value(k, 1);
    EXPECT_EQ(lines[k].key, want) << "point " << k;
    renamed += plan->tag_value(k, 0) != "host_" + std::to_string(k % 100);
  }
  EXPECT_GT(renamed, 100u) << "late points carry the replacement hosts' names";
}

TEST(RealisticData, PerTagIsOneValuePerSourceValueInEveryInsert) {
  std::set<std::string> pairs_by_seed[2];
  for (int s = 0; s < 2; ++s) {
    std::map<std::string, std::string> region_of;
    for (const char* m : {"cpu", "mem"}) {
      auto plan = plan_of(std::string(kHead) + "INSERT x\n" + m +
                              ",host=h[int inc(0) 200],region=[r1|r2|r3|r4|r5 per host],n=[int rand(1000) 7] v=1i 4000 10s\n",
                          11 + s);
      for (const Line& l : parse_lines(render_all(*plan))) {
        size_t h = l.key.find("host=") + 5, r = l.key.find(",region=");
        std::string host = l.key.substr(h, r - h);
        std::string region = l.key.substr(r + 8, l.key.find(",n=") - r - 8);
        auto [it, fresh] = region_of.emplace(host, region);
        EXPECT_EQ(it->second, region) << m << " " << host;
        pairs_by_seed[s].insert(host + "=" + region);
      }
    }
    EXPECT_EQ(region_of.size(), 200u);
    std::set<std::string> regions;
    for (auto& [h, r] : region_of) regions.insert(r);
    EXPECT_EQ(regions.size(), 5u);
  }
  EXPECT_NE(pairs_by_seed[0], pairs_by_seed[1]) << "the draw follows the seed";
  // `per` adds no series.
  auto plan = plan_of(std::string(kHead) + "INSERT x\ncpu,host=h[int inc(0) 200],region=[r1|r2 per host] v=1i 400 10s\n", 1);
  EXPECT_EQ(plan->series(), 200u);
}

TEST(RealisticData, WalksStayInRangeCountersGrow) {
  auto plan = plan_of(std::string(kHead) + "INSERT x\ncpu,h=[int inc(0) 10] w=[float walk(5.00, 2, 0, 10)],i=[int walk(50, 30, 0, 100)],c=[int counter(100, 7)],n=[float normal(3.0, 1)] 10000 10s\n", 3);
  std::map<std::string, std::vector<Line>> by;
  for (const Line& l : parse_lines(render_all(*plan))) by[l.key].push_back(l);
  ASSERT_EQ(by.size(), 10u);
  double normal_sum = 0;
  int normal_n = 0;
  for (auto& [key, lines] : by) {
    int64_t prev = 99;
    std::set<std::string> walked;
    for (const Line& l : lines) {
      double w = std::stod(l.fields.at("w"));
      EXPECT_GE(w, 0);
      EXPECT_LE(w, 10);
      EXPECT_EQ(l.fields.at("w").size() - l.fields.at("w").find('.'), 3u) << "two decimals";
      std::string iv = l.fields.at("i");
      EXPECT_EQ(iv.back(), 'i');
      int64_t i = std::stoll(iv);
      EXPECT_GE(i, 0);
      EXPECT_LE(i, 100);
      int64_t c = std::stoll(l.fields.at("c"));
      EXPECT_GE(c, prev);
      EXPECT_LE(c - prev, 7);
      prev = c;
      walked.insert(l.fields.at("w"));
      normal_sum += std::stod(l.fields.at("n"));
      ++normal_n;
    }
    EXPECT_GT(walked.size(), 100u) << key;
  }
  EXPECT_NEAR(normal_sum / normal_n, 3.0, 0.05);
  // Series differ: a walk per series, not one per timestamp.
  EXPECT_NE(by.begin()->second[50].fields.at("w"), std::next(by.begin())->second[50].fields.at("w"));
}

// A walk starts at `start`, and each point adds a normal(0, step) step: far from its bounds
// the steps' mean is 0 and their deviation `step`; near them a step past a bound comes back,
// so a narrow walk still reaches both bounds and never leaves them.
TEST(RealisticData, WalkStepsAreNormalWithTheirStepAndFoldAtTheBounds) {
  for (uint64_t seed : {1, 2, 3}) {
    auto plan = plan_of(std::string(kHead) + "INSERT x\ncpu,h=[int inc(0) 20] w=[float walk(0.000, 0.5, -1000000, 1000000)],"
                        "n=[int walk(3, 1, 0, 6)],f=[float walk(1.00, 4, -1, 1)] 40000 10s\n", seed);
    std::map<std::string, std::vector<Line>> by;
    for (const Line& l : parse_lines(render_all(*plan))) by[l.key].push_back(l);
    ASSERT_EQ(by.size(), 20u);
    double sum = 0, sq = 0;
    int steps = 0;
    std::map<int64_t, int> narrow;
    double f_lo = 1, f_hi = -1;
    for (auto& [key, lines] : by) {
      EXPECT_EQ(lines[0].fields.at("w"), "0.000") << key;
      EXPECT_EQ(lines[0].fields.at("n"), "3i") << key;
      EXPECT_EQ(lines[0].fields.at("f"), "1.00") << key;
      for (size_t i = 1; i < lines.size(); ++i) {
        const double d = std::stod(lines[i].fields.at("w")) - std::stod(lines[i - 1].fields.at("w"));
        sum += d;
        sq += d * d;
        ++steps;
      }
      for (const Line& l : lines) {
        ++narrow[std::stoll(l.fields.at("n"))];
        const double f = std::stod(l.fields.at("f"));
        f_lo = std::min(f_lo, f);
        f_hi = std::max(f_hi, f);
      }
    }
    const double mean = sum / steps, sd = std::sqrt(sq / steps - mean * mean);
    EXPECT_NEAR(mean, 0, 0.02) << "seed " << seed;
    EXPECT_NEAR(sd, 0.5, 0.02) << "seed " << seed;
    // 0..6, every value visited, both bounds about as often as each other.
    EXPECT_EQ(narrow.size(), 7u) << "seed " << seed;
    EXPECT_EQ(narrow.begin()->first, 0) << "seed " << seed;
    EXPECT_EQ(narrow.rbegin()->first, 6) << "seed " << seed;
    EXPECT_NEAR(static_cast<double>(narrow[0]) / narrow[6], 1.0, 0.3) << "seed " << seed;
    // A step of 4 in a range of 2 folds, and stays within [-1, 1], reaching near both.
    EXPECT_GE(f_lo, -1);
    EXPECT_LE(f_hi, 1);
    EXPECT_LT(f_lo, -0.99);
    EXPECT_GT(f_hi, 0.99);
  }
}

// Any split, order or thread renders the same bytes as one pass over the points, whatever
// the memos hold.
void expect_render_is_pure(const std::string& script) {
  std::string whole = render_all(*plan_of(script, 9), 1000);
  // Fresh plan, batches rendered in a shuffled order, the results put back in order.
  auto plan = plan_of(script, 9);
  const uint64_t batch = 500;
  std::vector<uint64_t> order;
  for (uint64_t k = 0; k < plan->points(); k += batch) order.push_back(k);
  std::shuffle(order.begin(), order.end(), std::mt19937(4));
  std::map<uint64_t, std::string> parts;
  std::vector<char> buf(batch * plan->max_line_bytes());
  for (uint64_t k : order) parts[k] = std::string(buf.data(), plan->render(k, std::min(batch, plan->points() - k), buf.data()));
  std::string shuffled;
  for (auto& [k, text] : parts) shuffled += text;
  EXPECT_EQ(shuffled, whole);
  // Two threads rendering interleaved batches of a fresh plan.
  auto shared = plan_of(script, 9);
  std::vector<std::string> results(order.size());
  auto worker = [&](size_t parity) {
    std::vector<char> b(batch * shared->max_line_bytes());
    for (size_t i = parity; i < order.size(); i += 2) {
      uint64_t k = i * batch;
      results[i] = std::string(b.data(), shared->render(k, std::min(batch, shared->points() - k), b.data()));
    }
  };
  std::thread t0(worker, 0), t1(worker, 1);
  t0.join();
  t1.join();
  std::string threaded;
  for (const std::string& r : results) threaded += r;
  EXPECT_EQ(threaded, whole);
}

// A counter past int64's largest value wraps back to start, like a counter reset (it
// overflowed int64 before: undefined behaviour, negative values in Release). Its start
// and max_step are the largest the parser takes: R = INT64_MAX - 9e15 + 1 values, a wrap
// every ~2050 points of a series.
TEST(RealisticData, ACounterPastInt64WrapsBackToItsStart) {
  constexpr int64_t kStart = 9'000'000'000'000'000, kMaxStep = 9'000'000'000'000'000;
  constexpr unsigned __int128 kRange = static_cast<unsigned __int128>(INT64_MAX - kStart) + 1;
  const std::string insert = "INSERT x\ncpu,h=[int inc(0) 4] c=[int counter(9000000000000000, 9000000000000000)] 20000 10s\n";
  auto plan = plan_of(std::string(kHead) + insert, 3);
  ASSERT_TRUE(plan);
  std::map<std::string, std::vector<Line>> by;
  for (const Line& l : parse_lines(render_all(*plan))) by[l.key].push_back(l);
  ASSERT_EQ(by.size(), 4u);
  for (auto& [key, lines] : by) {
    ASSERT_EQ(lines.size(), 5000u) << key;
    EXPECT_EQ(std::stoll(lines[0].fields.at("c")), kStart) << "a series' counter starts at start";
    unsigned __int128 prev = 0;  // c - start
    int wraps = 0;
    for (const Line& l : lines) {
      const int64_t c = std::stoll(l.fields.at("c"));
      ASSERT_GE(c, kStart) << key;  // never negative, never below start
      const unsigned __int128 g = static_cast<unsigned __int128>(c - kStart);
      // One step of at most max_step from the last value, through the wrap:
      // start + (growth + step) mod R.
      ASSERT_LE((g + kRange - prev) % kRange, static_cast<unsigned __int128>(kMaxStep)) << key;
      wraps += g < prev;
      prev = g;
    }
    EXPECT_GE(wraps, 2) << key;  // ~2.2e19 of growth per series over R ~ 9.2e18
  }
  // The wrap is a pure function of the point too: out of order, stepped back, on threads.
  expect_render_is_pure(std::string(kHead) + "SET MissingPoints [5%]\n\nSET Disorder [20% within 1m]\n\n" + insert);
}

// Fields are written with whole-register moves that store past their end; a line reserves
// that room once. Rendered one point at a time, no store reaches past the line's end by
// more than kOverhang and every line fits max_line_bytes() less that; rendered in batches
// into exactly n × max_line_bytes(), nothing past the room changes. A mix of fields (walks
// reaching their bounds, negative, wide and narrow; long counters; floats; `per` tags;
// MissingFields), and single fields whose values are longest (past 9e18 written as %.17g),
// with nanosecond timestamps, so a field reserving too little shows.
class LineRoom : public ::testing::TestWithParam<const char*> {};

TEST_P(LineRoom, LinesStayInsideTheRoomTheyReserve) {
  auto plan = plan_of(std::string("SET Precision [ns]\n\nSET StartDate [2016-01-01]\n\n") + GetParam(), 5);
  ASSERT_TRUE(plan);
  const size_t room = plan->max_line_bytes();
  const size_t guard = 256;
  std::vector<char> buf(1000 * room + guard);
  size_t longest = 0;
  for (uint64_t k = 0; k < plan->points(); ++k) {
    std::fill(buf.begin(), buf.begin() + room + guard, '\x7f');
    const size_t n = plan->render(k, 1, buf.data());
    ASSERT_LE(n, room);
    longest = std::max(longest, n);
    size_t touched = room + guard;  // one past the last byte written
    while (touched > 0 && buf[touched - 1] == '\x7f') --touched;
    ASSERT_LE(touched, n + SeriesFields::kOverhang) << "point " << k;
  }
  EXPECT_LE(longest + SeriesFields::kOverhang, room);
  for (uint64_t k = 0; k < plan->points(); k += 1000) {
    std::fill(buf.begin(), buf.end(), '\x7f');
    const size_t n = plan->render(k, std::min<uint64_t>(1000, plan->points() - k), buf.data());
    ASSERT_LE(n, 1000 * room);
    for (size_t i = 1000 * room; i < buf.size(); ++i) ASSERT_EQ(buf[i], '\x7f') << "batch " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(
    RealisticData, LineRoom,
    ::testing::Values(
        "SET MissingFields [10%]\n\nINSERT x\ncpu,h=[int inc(0) 13],z=[abc|de per h] a=[int walk(0, 500, -1000, 1000)],"
        "b=[int walk(5, 9, 0, 10)],c=[int walk(-99000, 900, -99999, -98000)],d=[int walk(0, 3e9, -9e12, 9e12)],"
        "e=[int counter(8999999999999999, 999999999999999)],f=[float walk(0.5, 40, -100, 100)],"
        "g=[float normal(-3e9, 1e9)],h=[int counter(0, 3)] 13000 10s\n",
        "INSERT x\nc i=[int normal(-1e300, 1e299)] 3000 10s\n",
        "INSERT x\nc i=[int walk(-1e30, 1e29, -2e30, 1e30)] 3000 10s\n",
        "INSERT x\nc f=[float normal(-1e300, 1e299)] 3000 10s\n",
        "INSERT x\nc i=[int counter(8999999999999999, 99999999999999)] 20000 10s\n",  // 19 digits, in int64
        "INSERT x\nc i=[int walk(-99000, 900, -99999, -98000)] 3000 10s\n"));

// Any split, order or thread renders the same bytes, whatever the memos hold.
class RenderOrder : public ::testing::TestWithParam<const char*> {};

TEST_P(RenderOrder, RenderIsAPureFunctionOfThePoint) {
  expect_render_is_pure(std::string(kHead) + GetParam() +
                        "SET MissingPoints [5%]\n\nSET MissingFields [10%]\n\nSET Disorder [20% within 1m]\n\n"
                        "INSERT x\ncpu,h=[int inc(0) 37],z=[x|y per h] a=[int walk(50, 5, 0, 100)],b=[float walk(1.0, 0.1, 0, 2)],c=[int counter(0, 9)] 37000 10s\n");
}

INSTANTIATE_TEST_SUITE_P(RealisticData, RenderOrder,
                         ::testing::Values("", "SET Churn [20% every 30s]\n\n"));

TEST(RealisticData, StateOfAMillionSeriesWithTenWalksFitsIn100MB) {
  std::string fields;
  for (int i = 0; i < 10; ++i) {
    if (i > 0) fields += ',';
    fields.append("f").append(std::to_string(i)).append("=[int walk(50, 2, 0, 100)]");
  }
  auto plan = plan_of(std::string(kHead) + "INSERT x\ncpu,h=[int inc(0) 1000000] " + fields + " 10000000 10s\n", 1);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->series(), 1000000u);
  EXPECT_LE(plan->state_bytes(), size_t{100} * 1000 * 1000);
  EXPECT_EQ(plan->state_bytes(), size_t{80} * 1000 * 1000);
}

TEST(RealisticData, PlanErrors) {
  parser::ParseResult r = parser::parse_script(
      "t.iql", "SET Churn [10% every 1m]\n\nINSERT x\ncpu,h=[a|b] v=1i 10 10s\n");
  ASSERT_TRUE(r.ok());
  const auto& ins = std::get<parser::InsertStmt>(r.script.statements[1].body);
  std::shared_ptr<const PointPlan> plan;
  base::Status st = PointPlan::create(ins, plan_options(r.settings_for(1), 1, 0), &plan);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("Churn"), std::string::npos) << st.message();
  r = parser::parse_script("t.iql", "SET Disorder [10% within 1h]\n\nINSERT x\ncpu,h=[int inc(0) 2] v=1i 10 10s\n");
  ASSERT_TRUE(r.ok());
  st = PointPlan::create(std::get<parser::InsertStmt>(r.script.statements[1].body),
                         plan_options(r.settings_for(1), 1, 0), &plan);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("at most 63"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace stressql::generator
