// The `request_stats` rows: what a statement's samples added, written a delta at a time and
// read back (through the same InfluxQL answer walker `stressql report` uses) into the very
// same totals and histograms; damaged rows are errors that name the row.
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "base/line_protocol.h"
#include "results/request_stats_fields.h"
#include "results/results_rows.h"
#include "tests/support/report_builders.h"

namespace stressql::results {
namespace {

// A request_stats line as InfluxDB gives it back: a one-row answer of its fields (the
// histograms' and maps' text is unescaped; numbers are integers).
nlohmann::json answer_of(const std::string& line) {
  nlohmann::json columns = nlohmann::json::array(), values = nlohmann::json::array();
  const size_t space = line.find(' ');
  std::string tags = line.substr(0, space);
  size_t id = tags.find("statement_id=");
  columns.push_back("statement_id");
  values.push_back(tags.substr(id + 13, tags.find(',', id) - id - 13));
  size_t i = space + 1;
  const size_t end = line.rfind(' ');
  while (i < end) {
    const size_t eq = line.find('=', i);
    columns.push_back(line.substr(i, eq - i));
    i = eq + 1;
    if (line[i] == '"') {
      std::string text;
      for (++i; line[i] != '"'; ++i) text += line[i] == '\\' ? line[++i] : line[i];
      values.push_back(text);
      i += 2;  // the quote and the comma
    } else {
      size_t stop = line.find_first_of(", ", i);
      values.push_back(std::stoll(line.substr(i, stop - i)));  // "123i": stoll stops at the i
      i = stop + 1;
    }
  }
  return {{"results", {{{"series", {{{"name", "request_stats"}, {"columns", columns}, {"values", {values}}}}}}}}};
}

base::Status read_back(const std::string& line, stats::RequestStats* stats) {
  stats::RequestStats scratch;
  uint64_t rows = 0;
  return walk_influxql_answer(answer_of(line).dump(),
                              [&](const QueryRow& row) { return add_request_stats_row(row, stats, &scratch); },
                              &rows);
}

std::vector<std::string> lines_of(const std::string& text, const std::string& measurement) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t nl = text.find('\n', at);
    std::string line = text.substr(at, nl - at);
    if (line.rfind(measurement + ",", 0) == 0) out.push_back(line);
    at = nl + 1;
  }
  return out;
}

std::vector<engine::Sample> mixed(int n) {
  return stats::testing::retried_and_failed_samples(1'700'000'000'000'000'000, n);
}

std::string totals(const stats::RequestStats& s) {
  std::string out;
  for_each_request_stats_field([&](const char* name, auto get) {
    out += std::string(name) + "=" + std::to_string(get(s)) + " ";
  });
  for_each_request_stats_histogram([&](const char* name, auto get) {
    out += std::string(name) + "=" + get(s).encode_text() + " ";
  });
  for (const auto& [k, n] : s.failures) out += k + ":" + std::to_string(n) + " ";
  for (const auto& [k, n] : s.statuses) out += std::to_string(k) + ":" + std::to_string(n) + " ";
  return out;
}

TEST(RequestStatsRows, TheRowsOfAStatementAddUpToItsStatsExactly) {
  ResultsRows rows("t1");
  stats::StatementReport st = stats::testing::insert_statement("load", 100000);
  std::string out;
  size_t appended = 0;
  const std::vector<engine::Sample> samples = mixed(1000);
  for (size_t i = 0; i < samples.size(); ++i) {
    st.stats.add(samples[i]);
    appended += rows.add_sample(st, samples[i], &out);
    if (i % 97 == 0) appended += rows.add_request_stats(st, false, &out);  // as seconds close
  }
  appended += rows.add_request_stats(st, true, &out);
  EXPECT_EQ(rows.add_request_stats(st, true, &out), 0u) << "nothing new: no row";
  const std::vector<std::string> lines = lines_of(out, "request_stats");
  EXPECT_EQ(appended, samples.size() + lines.size());
  ASSERT_EQ(lines.size(), 13u);  // 12 flushes as seconds close (1143 attempts), then the last
  EXPECT_EQ(lines[0].rfind("request_stats,test_id=t1,statement_id=statement-3,statement_name=load ", 0), 0u)
      << lines[0];
  stats::RequestStats back;
  for (const std::string& line : lines) {
    base::Status st_read = read_back(line, &back);
    ASSERT_TRUE(st_read) << st_read.message() << "\n" << line;
  }
  EXPECT_EQ(totals(back), totals(st.stats));
  EXPECT_GT(back.requests_failed, 0u);
  EXPECT_GT(back.retry_lost.count(), 0u);
  // Distinct timestamps: equal ones would overwrite each other in InfluxDB.
  std::set<std::string> stamps;
  for (const std::string& line : lines) stamps.insert(line.substr(line.rfind(' ')));
  EXPECT_EQ(stamps.size(), lines.size());
}

TEST(RequestStatsRows, AStatementWithManyAttemptsPerSecondGetsARowEveryFewThousand) {
  ResultsRows rows("t1");
  stats::StatementReport st = stats::testing::insert_statement("load", 100000);
  std::string out;
  for (const engine::Sample& s : mixed(9000)) rows.add_sample(st, s, &out);  // 10286 attempts
  const std::vector<std::string> lines = lines_of(out, "request_stats");
  ASSERT_EQ(lines.size(), 2u);  // at 4096 and 8192 attempts; the rest waits for its second
  for (const std::string& line : lines) EXPECT_LT(line.size(), size_t{64} << 10);
  EXPECT_NE(lines[0].find("attempts=4096i"), std::string::npos);
}

TEST(RequestStatsRows, ADamagedRowIsAnErrorThatNamesIt) {
  ResultsRows rows("t1");
  stats::StatementReport st = stats::testing::insert_statement("load", 100000);
  std::string out;
  for (const engine::Sample& s : mixed(50)) rows.add_sample(st, s, &out);
  rows.add_request_stats(st, true, &out);
  const std::string line = lines_of(out, "request_stats").at(0);
  auto damaged = [&](const std::string& field, const std::string& replacement) {
    const size_t at = line.find("," + field + "=\"");
    EXPECT_NE(at, std::string::npos) << field;
    const size_t value = at + field.size() + 3;
    size_t close = value;
    while (line[close] != '"') close += line[close] == '\\' ? 2 : 1;
    return line.substr(0, value) + replacement + line.substr(close);
  };
  for (const auto& [field, replacement] : std::vector<std::pair<std::string, std::string>>{
           {"latency", "h1;1;2;3"},
           {"lag", "nonsense"},
           {"latency_from_send", ""},
           {"failures", "{\\\"http 500\\\": -1}"},
           {"statuses", "[1,2]"}}) {
    SCOPED_TRACE(field);
    stats::RequestStats back;
    base::Status st_read = read_back(damaged(field, replacement), &back);
    ASSERT_FALSE(st_read);
    EXPECT_NE(st_read.message().find("request_stats row 1 (statement statement-3): its " + field), std::string::npos)
        << st_read.message();
  }
}

}  // namespace
}  // namespace stressql::results
