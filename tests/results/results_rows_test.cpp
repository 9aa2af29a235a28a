// The exact text of results rows: tags, fields, timestamps, and the escaping that keeps a
// statement name or a message with spaces, commas, equals signs, quotes, backslashes or
// newlines on one well-formed line.
#include "results/results_rows.h"

#include <gtest/gtest.h>

#include <cerrno>

#include <cstring>
#include <deque>
#include <vector>
#include <string>

#include "base/line_protocol.h"
#include "results/statement_fields.h"

#include "tests/support/report_builders.h"

using namespace stressql::base;
namespace stressql::results {
namespace {

stats::StatementReport insert_statement() { return stats::testing::insert_statement("mock cpu", 100000); }

engine::Sample sample(int64_t due_unix_ns) {
  engine::Sample s;
  s.status = 204;
  s.points = 5000;
  s.request_bytes = 276110;
  s.response_bytes = 0;
  s.request_index = 7;
  s.latency_ns = 1234;
  s.due_unix_ns = due_unix_ns;
  return s;
}

const char kInsertPrefix[] =
    "write,test_id=t1,statement_id=statement-3,statement_name=mock\\ cpu,number_targets=2,"
    "precision=s,writers=16,readers=0,write_interval=0ns,query_interval=0ns,batch_size=5000,"
    "number_fields=1,number_series=30000,number_points_write=100000 ";

TEST(ResultsRows, WriteRowHasTheSpecTagsAndFields) {
  ResultsRows rows("t1");
  const stats::StatementReport st = insert_statement();
  std::string out;
  rows.add_sample(st, sample(1000), &out);
  EXPECT_EQ(out, std::string(kInsertPrefix) +
                     "status_code=204i,response_time_ns=1234i,num_bytes=276110i,points=5000i,"
                     "attempt=1i,final=true,failure_class=0i,dropped=0i,request_bytes=276110i,"
                     "response_bytes=0i,request_index=7i,lag_ns=0i,body_bytes=0i 1000\n");
}

// A transport failure keeps its OS error: the number and its name, beside the class.
TEST(ResultsRows, ATransportFailureCarriesItsErrno) {
  ResultsRows rows("t1");
  const stats::StatementReport st = insert_statement();
  engine::Sample s = sample(1000);
  s.status = 0;
  s.failure = engine::Failure::kReset;
  s.error = ECONNRESET;
  std::string out;
  rows.add_sample(st, s, &out);
  EXPECT_EQ(out, std::string(kInsertPrefix) +
                     "status_code=0i,response_time_ns=1234i,num_bytes=276110i,points=5000i,"
                     "attempt=1i,final=true,failure_class=5i,errno=" + std::to_string(ECONNRESET) +
                     "i,dropped=0i,request_bytes=276110i,"
                     "response_bytes=0i,request_index=7i,lag_ns=0i,body_bytes=0i,errno_name=\"ECONNRESET\" 1000\n");
}

TEST(ResultsRows, QueryRowCountsResponseBytesAndCarriesTheMessage) {
  ResultsRows rows("t1");
  stats::StatementReport st;
  st.id = "statement-4";
  st.name = std::string(1, 'q');
  st.kind = stats::StatementKind::kQuery;
  st.precision = std::string(1, 'n') + 's';  // a one- or two-letter literal trips gcc 12's -Wrestrict
  st.readers = 3;
  st.query_interval_ns = 500000000;
  engine::Sample s = sample(2000);
  s.status = 400;
  s.failure = engine::Failure::kHttpStatus;
  s.final = false;
  s.attempt = 2;
  s.response_bytes = 55;
  std::strcpy(s.message, "bad \"q\"\nat c:\\x");
  std::string out;
  rows.add_sample(st, s, &out);
  EXPECT_EQ(out,
            "query,test_id=t1,statement_id=statement-4,statement_name=q,number_targets=0,"
            "precision=ns,writers=0,readers=3,write_interval=0ns,query_interval=500000000ns,"
            "batch_size=0 status_code=400i,response_time_ns=1234i,num_bytes=55i,points=5000i,"
            "attempt=2i,final=false,failure_class=1i,dropped=0i,request_bytes=276110i,"
            "response_bytes=55i,request_index=7i,lag_ns=0i,body_bytes=0i,message=\"bad \\\"q\\\" at c:\\\\x\" 2000\n");
}

TEST(ResultsRows, RowsOfOneStatementGetDistinctTimestamps) {
  ResultsRows rows("t1");
  const stats::StatementReport st = insert_statement();
  std::string out;
  rows.add_sample(st, sample(1000), &out);
  rows.add_sample(st, sample(1000), &out);  // same due time: one later
  rows.add_sample(st, sample(999), &out);   // earlier: still later than the last
  rows.add_sample(st, sample(5000), &out);  // later: its own
  std::string stamps;
  for (size_t end = out.find('\n'), begin = 0; end != std::string::npos; begin = end + 1, end = out.find('\n', begin)) {
    stamps += out.substr(out.rfind(' ', end) + 1, end - out.rfind(' ', end) - 1) + ",";
  }
  EXPECT_EQ(stamps, "1000,1001,1002,5000,");
}

TEST(ResultsRows, StatementRow) {
  ResultsRows rows("t1");
  stats::StatementReport st;
  st.kind = stats::StatementKind::kExec;
  st.id = "statement-1";
  st.name = "echo hi";
  st.go = true;
  st.ran = true;
  st.ok = false;
  st.error = "exit 2";
  st.start_unix_ns = 10;
  st.duration_ns = 20;
  st.exit_status = 2;
  std::string out;
  rows.add_statement(st, 1, 100, &out);
  EXPECT_EQ(out,
            "statement,test_id=t1,statement_id=statement-1 index=1i,kind=\"exec\",name=\"echo hi\","
            "go=true,ran=true,ok=false,offline=false,error=\"exit 2\",warning=\"\",hint=\"\","
            "start_unix_ns=10i,duration_ns=20i,points_requested=0i,requests_planned=0i,requests_not_sent=0i,"
            "points_not_sent=0i,points_skipped=0i,data_shape=\"\",series=0i,http_status=0i,server_message=\"\",exit_status=2i,"
            "set_value=\"\",number_targets=0i,precision=\"\",writers=0i,readers=0i,"
            "write_interval_ns=0i,query_interval_ns=0i,batch_size=0i,number_fields=0i,"
            "interval_late_samples=0i 101\n");
}

// The row as InfluxDB's JSON answer gives it back: tags and fields by name (a test-only
// parser of the one line add_statement writes: separators escaped by a backslash).
ResultsRow parse_row(const std::string& line) {
  ResultsRow row;
  size_t i = 0;
  auto until = [&](const char* stops) {  // up to an unescaped stop character
    size_t from = i;
    while (i < line.size() && std::strchr(stops, line[i]) == nullptr) i += line[i] == '\\' ? 2 : 1;
    return line.substr(from, i - from);
  };
  until(", ");  // the measurement
  while (line[i] == ',') {
    ++i;
    std::string key = until("=");
    ++i;
    row[key] = base::lp_unescape(until(", "), base::LpPlace::kKey);
  }
  do {
    ++i;  // the space before the first field, or the comma between two
    std::string key = until("=");
    ++i;
    if (line[i] == '"') {
      std::string text;
      for (++i; line[i] != '"'; ++i) text += line[i] == '\\' ? line[++i] : line[i];
      ++i;
      row[key] = text;
      continue;
    }
    std::string token = until(", ");
    if (token == "true" || token == "false") {
      row[key] = token == "true";
    } else if (token.back() == 'i') {
      row[key] = std::stoll(token);
    } else {
      row[key] = std::stod(token);
    }
  } while (line[i] == ',');
  return row;
}

TEST(ResultsRows, StatementRowReadsBackEveryField) {
  stats::StatementReport st;
  stats::testing::fill_every_field(&st);
  ASSERT_TRUE(st.rate.open_loop());  // so the rated and the API fields are written too
  ASSERT_FALSE(st.api.empty());
  ResultsRows rows("t1");
  std::string out;
  rows.add_statement(st, 1, 100, &out);
  ASSERT_EQ(out.find('\n'), out.size() - 1) << out;  // one line: no --by-address rows
  const ResultsRow row = parse_row(out);
  EXPECT_EQ(row.at("test_id"), "t1");
  stats::StatementReport back;
  statement_from_row(row, &back);
  const stats::StatementReport defaults;
  int fields = 0;
  for_each_statement_field([&](const char* name, StatementFieldWhen, auto get) {
    EXPECT_TRUE(get(back) == get(st)) << name << " in " << out;
    EXPECT_FALSE(get(back) == get(defaults)) << name << " kept its default";
    ++fields;
  });
  EXPECT_EQ(fields, 42);
  EXPECT_EQ(back.kind, stats::StatementKind::kQuery);
  EXPECT_DOUBLE_EQ(back.rate.units_per_request, st.rate.units_per_request);
}

TEST(ResultsRows, StatementRowWithoutRateOrApiLeavesTheirFieldsOut) {
  stats::StatementReport st;
  stats::testing::fill_every_field(&st);
  st.rate.unit.clear();
  st.api.clear();
  ResultsRows rows("t1");
  std::string out;
  rows.add_statement(st, 0, 100, &out);
  const ResultsRow row = parse_row(out);
  for (const char* absent : {"rate_unit", "rate_from", "rate_to", "rate_ramp_ns", "rate_units_per_request", "rate_slack_ns", "api", "api_reason",
                             "gzip_level", "compression_ratio"}) {
    EXPECT_EQ(row.count(absent), 0u) << absent;
  }
  stats::StatementReport back;
  statement_from_row(row, &back);
  EXPECT_DOUBLE_EQ(back.rate.units_per_request, 1);  // the default, as before a rate
  EXPECT_EQ(back.set_value, st.set_value);
}

TEST(ResultsRows, IntervalRowIsTimestampedAtTheSecondsStart) {
  ResultsRows rows("t1");
  stats::StatementReport st = insert_statement();
  st.intervals.start(1'000'000'000'000);
  stats::IntervalRecord k{.second = 3, .requests = 10, .failures = 1, .retries = 2, .points_accepted = 45000,
                   .from_due_p50 = 1100, .from_due_p99 = 2200, .from_due_max = 3300,
                   .from_send_p50 = 1000, .from_send_p99 = 2000, .from_send_max = 3000};
  std::string out;
  rows.add_interval(st, k, &out);
  EXPECT_EQ(out,
            "interval,test_id=t1,statement_id=statement-3,statement_name=mock\\ cpu second=3i,"
            "requests=10i,points_accepted=45000i,failures=1i,retries=2i,from_due_p50_ns=1100i,"
            "from_due_p99_ns=2200i,from_due_max_ns=3300i,from_send_p50_ns=1000i,"
            "from_send_p99_ns=2000i,from_send_max_ns=3000i 1003000000000\n");
}

TEST(ResultsRows, FailureClassesOfASecondAreRowsOfTheirOwn) {
  ResultsRows rows("t1");
  stats::StatementReport st = insert_statement();
  std::deque<stats::IntervalRecord> seconds = {stats::IntervalRecord{.second = 0, .requests = 5, .failures = 3}};
  std::vector<std::string> classes;
  ASSERT_TRUE(add_restored_failures(&seconds, &classes, 0, "connection refused", 1));
  ASSERT_TRUE(add_restored_failures(&seconds, &classes, 0, "http 503", 2));
  st.intervals.restore(seconds, classes, 0, 1'000'000'000'000);
  std::string out;
  EXPECT_EQ(rows.add_interval(st, st.intervals.closed()[0], &out), 3u);
  const std::string tags = ",test_id=t1,statement_id=statement-3,statement_name=mock\\ cpu";
  EXPECT_NE(out.find("interval" + tags + " second=0i,requests=5i,points_accepted=0i,failures=3i,"), std::string::npos)
      << out;
  EXPECT_NE(out.find("\ninterval_failures" + tags +
                     ",failure_class=connection\\ refused second=0i,failures=1i 1000000000000\n"
                     "interval_failures" + tags + ",failure_class=http\\ 503 second=0i,failures=2i 1000000000000\n"),
            std::string::npos)
      << out;
}

TEST(ResultsRows, RunRow) {
  ResultsRows rows("t 1");
  stats::RunSummary run;
  run.start_unix_ns = 99;
  run.duration_ns = 5;
  run.cpu_user_s = 0.5;
  run.cpu_system_s = 0.25;
  run.reactors = 2;
  run.engine.sends = 7;
  run.engine.mapped_sends = 4;
  std::string out;
  rows.add_run(run, 3, &out);
  EXPECT_EQ(out,
            "run,test_id=t\\ 1 statements=3i,duration_ns=5i,cpu_user_s=0.5,cpu_system_s=0.25,"
            "interrupted=false,reactors=2i,send_zc=false,sends=7i,zero_copy_sends=0i,"
            "zero_copy_fallbacks=0i,mapped_sends=4i,recv_buffer_shortages=0i,cq_overflows=0i,reconnects=0i 99\n");
}

TEST(ResultsRows, EscapeTag) {
  EXPECT_EQ(escape_tag("plain"), "plain");
  EXPECT_EQ(escape_tag("a b,c=d"), "a\\ b\\,c\\=d");
  EXPECT_EQ(escape_tag("line\nbreak\r"), "line\\ break\\ ");
  EXPECT_EQ(escape_tag(""), "-");
  // Backslashes stay as written (InfluxDB 1.x keeps them), but a run of them must be even
  // where it meets an escaped separator or the end.
  EXPECT_EQ(escape_tag("c:\\dir"), "c:\\dir");
  EXPECT_EQ(escape_tag("a\\"), "a\\\\");
  EXPECT_EQ(escape_tag("a\\\\"), "a\\\\");
  EXPECT_EQ(escape_tag("a\\ b"), "a\\\\\\ b");
  EXPECT_EQ(escape_tag("a\\\\,b"), "a\\\\\\,b");
}

TEST(ResultsRows, EscapeFieldString) {
  EXPECT_EQ(escape_field_string("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(escape_field_string("c:\\x"), "c:\\\\x");
  EXPECT_EQ(escape_field_string("two\nlines\r"), "two lines ");
  EXPECT_EQ(escape_field_string("a, b=c"), "a, b=c");
}

}  // namespace
}  // namespace stressql::results
