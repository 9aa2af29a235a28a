// libFuzzer target: an arbitrary server answer (status, headers, body) through the whole
// report pipeline, as `stressql run` takes it: parsed by the engine's ResponseParser, its
// message copied into a Sample (engine::error_message), the sample into a statement report,
// then every writer: the text report, the JSON report (nlohmann's dump(), which throws on
// ill-formed UTF-8), the run page and the results rows. Built only with -DSTRESSQL_FUZZ=ON
// (the `fuzz` preset). Seed corpus: tests/report/answer_corpus/.
//
// Input: bytes 0-1 the status (mod 1000), byte 2 the length of the header block, then the
// header block (its bytes as sent, "\n" for a line break), then the body. Besides the
// sanitizers, the target checks that:
//  - every writer's output is well-formed UTF-8 and dump() does not throw;
//  - the JSON report names the server's message, sanitized, and the text report shows it;
//  - the results rows are one line per row.
// Where llhttp refuses the answer, the body's bytes go into the message as they are, so
// the writers still see arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "engine/http_response.h"
#include "html/html_page.h"
#include "html/html_report.h"
#include "report/json_report.h"
#include "report/text_report.h"
#include "results/results_rows.h"
#include "stats/statement_report.h"

namespace {

using namespace stressql;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// The engine's Sample for the answer at `wire`, as Reactor::end_attempt fills it.
engine::Sample sample_of(const std::string& wire, const std::string& body) {
  engine::Sample s;
  s.final = true;
  s.points = 10;
  s.latency_ns = 1'000'000;
  s.due_unix_ns = 1'800'000'000'000'000'000;
  engine::ResponseParser parser;
  parser.reset(/*check_json_error=*/true, /*parse_dropped=*/true);
  size_t used = 0;
  engine::ResponseParser::Result r = parser.feed(wire.data(), wire.size(), &used);
  if (r == engine::ResponseParser::Result::kNeedMore && parser.in_progress()) r = parser.finish();
  if (r == engine::ResponseParser::Result::kComplete) {
    const engine::HttpResponse& resp = parser.response();
    s.status = resp.status;
    s.failure = resp.status >= 200 && resp.status < 300 && !resp.json_error ? engine::Failure::kNone
                                                                            : engine::Failure::kHttpStatus;
    if (resp.has_dropped) s.dropped = resp.dropped;
    if (s.failure != engine::Failure::kNone) engine::error_message(resp, s.message, sizeof s.message);
  } else {
    s.failure = engine::Failure::kReset;
    const size_t n = base::utf8_cut(body, sizeof s.message - 1);
    std::memcpy(s.message, body.data(), n);
    s.message[n] = '\0';
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const int status = (data[0] | data[1] << 8) % 1000;
  const size_t header_len = std::min<size_t>(data[2], size - 3);
  const std::string headers(reinterpret_cast<const char*>(data) + 3, header_len);
  const std::string body(reinterpret_cast<const char*>(data) + 3 + header_len, size - 3 - header_len);
  std::string wire = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n";
  for (char c : headers) c == '\n' ? wire += "\r\n" : wire += c;
  if (!headers.empty() && headers.back() != '\n') wire += "\r\n";
  wire += "\r\n" + body;

  const engine::Sample s = sample_of(wire, body);
  std::vector<stats::StatementReport> reports(1);  // not copyable: built in place
  stats::StatementReport& st = reports[0];
  st.kind = stats::StatementKind::kInsert;
  st.id = "statement-0";
  st.name = "answers";
  st.ran = true;
  st.points_requested = 10;
  st.start_unix_ns = s.due_unix_ns;
  st.intervals.start(s.due_unix_ns);
  st.stats.add(s);
  st.intervals.add(s);
  st.intervals.finish();
  if (s.failure != engine::Failure::kNone) {
    st.ok = false;
    st.server_message = s.message;
    st.error = "1 request(s) failed: " + st.server_message;
  }
  stats::RunSummary run;
  run.test_id = "fuzz";
  run.start_unix_ns = s.due_unix_ns;
  run.duration_ns = 1'000'000;
  const std::string sanitized = base::utf8_sanitized(st.server_message);

  const std::string text = report::render_report(reports, run);
  check(base::utf8_valid(text));
  check(text.find(sanitized) != std::string::npos);

  const nlohmann::json doc = report::json_report(reports, run, nlohmann::json::object(), "fuzz");
  const std::string json = doc.dump(2);  // throws (and so crashes here) on ill-formed UTF-8
  check(base::utf8_valid(json));
  check(doc["statements"][0].value("server_message", "") == sanitized);

  const std::string page = html::render_page(html::run_page(doc), html::ChartLibrary{});
  check(base::utf8_valid(page));

  results::ResultsRows rows("fuzz");
  std::string lines;
  rows.add_sample(st, s, &lines);
  rows.add_statement(st, 0, run.start_unix_ns, &lines);
  check(base::utf8_valid(lines));
  size_t breaks = 0;
  for (char c : lines) breaks += c == '\n';
  check(breaks == 2 && lines.back() == '\n');
  return 0;
}
