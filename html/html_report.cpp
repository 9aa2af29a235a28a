#include "html/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "base/duration_text.h"
#include "report/json_fields.h"
#include "stats/metric.h"

namespace stressql::html {
namespace {

using nlohmann::json;

constexpr double kMs = 1e6;  // charts show latency in milliseconds

std::string dur(double ns) { return base::duration_text(static_cast<int64_t>(std::llround(ns))); }
int64_t i64(const json& j, const char* key) { return report::json_integer(j, key).value_or(0); }
double f64(const json& j, const char* key) { return report::json_number(j, key).value_or(0); }
std::string str(const json& j, const char* key) { return report::json_text(j, key); }
std::string count(const json& j, const char* key) { return std::to_string(i64(j, key)); }
const json& member(const json& j, const char* key) {
  static const json kEmpty = json::object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kEmpty;
}
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

Numbers header(const json& r) {
  const json& host = member(r, "host");
  const json& cpu = member(r, "cpu");
  const json& options = member(r, "options");
  const json& totals = member(r, "totals");
  Numbers n;
  std::string script = str(options, "script");
  if (script.empty() && options.contains("rebuilt_from")) script = "(rebuilt from " + str(options, "rebuilt_from") + ")";
  n.emplace_back("Script", script);
  n.emplace_back("Test ID", str(r, "test_id"));
  n.emplace_back("Start / End", str(r, "start_time") + " / " + str(r, "end_time"));
  n.emplace_back("Run Time", dur(f64(r, "duration_ns")));
  n.emplace_back("Result", r.value("interrupted", false) ? "INTERRUPTED" : r.value("ok", false) ? "OK" : "FAILED");
  n.emplace_back("Host", str(host, "cpu_model") + ", " + count(host, "cores") + " cores, " + str(host, "kernel"));
  n.emplace_back("stressql", str(member(r, "tool"), "version"));
  n.emplace_back("stressql CPU", number(f64(cpu, "user_s") + f64(cpu, "system_s")) + " s (" +
                                     number(f64(cpu, "per_million_points")) + " CPU-s per million points)");
  n.emplace_back("Engine", str(member(r, "engine"), "summary"));
  if (options.contains("initial_settings")) {
    std::string settings;
    for (const auto& [k, v] : options["initial_settings"].items()) {
      settings += (settings.empty() ? "" : ", ") + k + " " + (v.is_string() ? v.get<std::string>() : v.dump());
    }
    n.emplace_back("Settings at start", settings);
  }
  n.emplace_back("Points Accepted / Dropped / Failed",
                 count(totals, "points_accepted") + " / " + count(totals, "points_dropped") + " / " +
                     count(totals, "points_failed"));
  n.emplace_back("Requests OK / Failed", count(totals, "requests_ok") + " / " + count(totals, "requests_failed"));
  n.emplace_back("Results", str(r, "results"));
  return n;
}

// The text report's lines of one INSERT or QUERY.
Numbers statement_numbers(const json& st) {
  const bool insert = str(st, "kind") == "insert";
  const json& req = member(st, "requests");
  const json& lat = member(st, "latency_ns");
  Numbers n;
  if (insert) n.emplace_back("Points/Sec", count(st, "points_per_second"));
  n.emplace_back("Resp Time Average", dur(f64(lat, "mean")));
  n.emplace_back("Resp Time Standard Deviation", dur(f64(lat, "stddev")));
  n.emplace_back("Resp Time p50 / p95 / p99", dur(f64(lat, "p50")) + " / " + dur(f64(lat, "p95")) + " / " + dur(f64(lat, "p99")));
  n.emplace_back("Resp Time p99.9 / Max", dur(f64(lat, "p999")) + " / " + dur(f64(lat, "max")));
  if (st.contains("rate")) {
    const json& rate = st["rate"];
    const json& lag = member(rate, "lag_ns");
    const json& send = member(rate, "latency_from_send_ns");
    n.emplace_back("Target Rate", str(rate, "target"));
    n.emplace_back("Achieved Rate", number(f64(rate, "achieved")) + " " + str(rate, "unit"));
    n.emplace_back("Sent Late", count(rate, "sent_late") + " (max lag " + dur(f64(lag, "max")) + ")");
    n.emplace_back("Resp Time from Send p50 / p99 / Max",
                   dur(f64(send, "p50")) + " / " + dur(f64(send, "p99")) + " / " + dur(f64(send, "max")));
  }
  const int64_t ok = i64(req, "ok");
  const json& bytes = member(st, "bytes");
  if (insert) {
    n.emplace_back("Average Request Bytes", std::to_string(ok ? i64(bytes, "request") / ok : 0));
  } else {
    n.emplace_back("Query Resp Bytes Average", std::to_string(ok ? i64(bytes, "response") / ok : 0) + " bytes");
  }
  n.emplace_back(insert ? "Successful / Failed Write Reqs" : "Successful / Failed Queries",
                 std::to_string(ok) + " / " + count(req, "failed"));
  n.emplace_back("Retries", count(req, "retries"));
  std::string failures;
  for (const auto& [what, k] : member(st, "failures").items()) {
    failures += (failures.empty() ? "" : ", ") + what + ": " + k.dump();
  }
  n.emplace_back("Failures", failures.empty() ? "none" : failures);
  if (insert) {
    const json& p = member(st, "points");
    n.emplace_back("Points Requested", count(p, "requested"));
    n.emplace_back("Points Accepted / Dropped / Failed",
                   count(p, "accepted") + " / " + count(p, "dropped") + " / " + count(p, "failed"));
  }
  n.emplace_back("Run Time", dur(f64(st, "duration_ns")));
  // SPEC §7.1: the statement's server numbers (the JSON's vocabulary), when a source was read.
  const json& server = member(st, "server");
  auto server_number = [&](const char* label, const char* key, double scale, const char* format) {
    if (!server.contains(key) || !server[key].is_number()) return;
    char text[64];
    std::snprintf(text, sizeof text, format, server[key].get<double>() / scale);
    n.emplace_back(label, text);
  };
  // A shard's server numbers cover every shard (JSON not_judged_per_shard): say so, as the
  // text report does, rather than leave a line out.
  const bool shard = server.contains("not_judged_per_shard");
  server_number("Server Points (its count)", "server_points", 1,
                shard ? "%.0f (every shard's points; not judged per shard)" : "%.0f");
  server_number("Server CPU", "server_cpu", 1, "%.2f cores avg");
  if (server.contains("server_cpu_per_mpts") && server["server_cpu_per_mpts"].is_number()) {
    n.emplace_back("Server CPU per Million Points",
                   stats::significant(server["server_cpu_per_mpts"].get<double>()) + " CPU-s");
  }
  if (shard) {
    n.emplace_back("Server CPU per Million Points",
                   "not judged per shard: the server's CPU went to every shard's points");
  }
  server_number("Server RSS max", "server_rss_max", 1e6, "%.0f MB");
  if (!str(st, "warning").empty()) n.emplace_back("Warning", str(st, "warning"));
  if (!str(st, "error").empty()) n.emplace_back("Error", str(st, "error"));
  return n;
}

// The statement's intervals read once, column by column (a day holds 86 400 of them).
struct Columns {
  std::vector<double> second, requests, points, failures, retries;
  std::vector<double> due[3], send[3];  // p50, p99, max in ms
  // Failures by class, a column per class in order of first appearance (within a second in
  // name order, as the JSON object holds them), so a run's page and its rebuilt page agree.
  std::vector<std::string> classes;
  std::vector<std::vector<double>> by_class;
};

void add_classes(const json& by_class, Columns* c) {
  const size_t rows = c->second.size() - 1;  // this second's row is being added
  for (const auto& [name, n] : by_class.items()) {
    if (std::find(c->classes.begin(), c->classes.end(), name) != c->classes.end()) continue;
    c->classes.push_back(name);
    c->by_class.emplace_back(rows, 0.0);
  }
  for (size_t i = 0; i < c->classes.size(); ++i) {
    auto it = by_class.find(c->classes[i]);
    c->by_class[i].push_back(it != by_class.end() && it->is_number() ? it->get<double>() : 0);
  }
}

Columns columns_of(const json& intervals) {
  static constexpr const char* kQ[3] = {"p50", "p99", "max"};
  Columns c;
  for (const json& k : intervals) {
    c.second.push_back(f64(k, "second"));
    c.requests.push_back(f64(k, "requests"));
    c.points.push_back(f64(k, "points_accepted"));
    c.failures.push_back(f64(k, "failures"));
    c.retries.push_back(f64(k, "retries"));
    add_classes(member(k, "failures_by_class"), &c);
    const json& due = member(k, "latency_from_due_ns");
    const json& send = member(k, "latency_from_send_ns");
    for (int q = 0; q < 3; ++q) {
      c.due[q].push_back(f64(due, kQ[q]) / kMs);
      c.send[q].push_back(f64(send, kQ[q]) / kMs);
    }
  }
  return c;
}

ChartSpec over_time(const std::string& id, const std::string& title, const std::string& y_label,
                    const Columns& c) {
  ChartSpec chart;
  chart.id = id;
  chart.title = title;
  chart.x_label = "second";
  chart.y_label = y_label;
  chart.x = c.second;
  return chart;
}

ChartSeries series(const std::string& name, std::vector<double> y, Fold fold) {
  return ChartSeries{name, std::move(y), {}, {}, fold, false};
}

// SPEC §7.1: the server's CPU, RSS and points/s on the statement's time axis. A source's
// second ends at its reading's time t and covers (t − 1 s, t]: it goes to interval second
// floor(t − 0.5), the one it overlaps most; seconds without a reading are gaps.
void server_charts(const json& st, const std::string& p, const Columns& iv, std::vector<ChartSpec>* charts) {
  const json& server = member(st, "server");
  if (!server.contains("sources") || !server["sources"].is_array() || server["sources"].empty()) return;
  const double nan = std::nan("");
  auto column = [&](const json& source, const char* key, double scale) {
    std::vector<double> y(iv.second.size(), nan);
    if (!source.contains("per_second") || !source["per_second"].is_array()) return y;
    for (const json& sec : source["per_second"]) {
      if (!sec.contains(key) || !sec[key].is_number()) continue;
      // The intervals are contiguous from second 0: second k is row k.
      const double k = std::max(0.0, std::floor(f64(sec, "second") - 0.5));
      if (k < double(y.size()) && iv.second[static_cast<size_t>(k)] == k) {
        y[static_cast<size_t>(k)] = sec[key].get<double>() / scale;
      }
    }
    return y;
  };
  auto has = [](const std::vector<double>& y) {
    return std::any_of(y.begin(), y.end(), [](double v) { return !std::isnan(v); });
  };
  ChartSpec cpu = over_time(p + "server-cpu", "Server CPU per second", "cores", iv);
  ChartSpec rss = over_time(p + "server-rss", "Server memory (RSS; a node exporter: the host's used)", "MB", iv);
  ChartSpec pts = over_time(p + "server-points", "Server points/s beside accepted points/s", "points/s", iv);
  pts.series.push_back(series("accepted points/s (stressql)", iv.points, Fold::kMean));
  for (const json& source : server["sources"]) {
    const std::string name = str(source, "source") + " " + str(source, "kind");
    if (std::vector<double> y = column(source, "server_cpu", 1); has(y)) cpu.series.push_back(series(name, y, Fold::kMean));
    if (std::vector<double> y = column(source, "server_rss", 1e6); has(y)) rss.series.push_back(series(name, y, Fold::kMax));
    if (std::vector<double> y = column(source, "server_points", 1); has(y)) {
      pts.series.push_back(series(name + (source.value("counts_rows", false) ? " rows/s" : " points/s"), y, Fold::kMean));
    }
  }
  for (ChartSpec* c : {&cpu, &rss, &pts}) {
    if (c->series.size() > (c == &pts ? 1u : 0u)) charts->push_back(std::move(*c));
  }
}

std::vector<ChartSpec> statement_charts(const json& st) {
  const std::string p = "s" + count(st, "index") + "-";
  static const json kNone = json::array();
  const Columns iv = columns_of(st.contains("intervals") ? st["intervals"] : kNone);  // no copy
  const bool rated = st.contains("rate");
  std::vector<ChartSpec> charts;

  ChartSpec tp = over_time(p + "throughput", "Requests per second (by due time)", "requests/s", iv);
  tp.series.push_back(series("requests/s", iv.requests, Fold::kMean));
  if (rated) {
    ChartSeries target = series("target requests/s", {}, Fold::kMean);
    for (double x : tp.x) {
      target.y.push_back(target_requests_per_second(st["rate"], static_cast<int64_t>(x)));
    }
    tp.series.push_back(std::move(target));
  }
  if (str(st, "kind") == "insert") {
    tp.y2_label = "points/s";
    tp.series.push_back(series("points accepted/s", iv.points, Fold::kMean));
    tp.series.back().right_axis = true;
  }
  charts.push_back(std::move(tp));

  ChartSpec lat = over_time(p + "latency", rated ? "Latency per second (from due time, from send)"
                                                 : "Latency per second",
                            "ms", iv);
  static constexpr Fold kFold[3] = {Fold::kMean, Fold::kMax, Fold::kMax};
  for (int q = 0; q < 3; ++q) lat.series.push_back(series(q == 0 ? "p50" : q == 1 ? "p99" : "max", iv.due[q], kFold[q]));
  if (rated) {
    for (int q = 0; q < 3; ++q) {
      lat.series.push_back(series(q == 0 ? "p50 from send" : q == 1 ? "p99 from send" : "max from send",
                                  iv.send[q], kFold[q]));
    }
  }
  charts.push_back(std::move(lat));

  ChartSpec sp;
  sp.id = p + "spectrum";
  sp.title = "Latency by percentile (whole run)";
  sp.x_label = "percentile";
  sp.y_label = "ms";
  sp.x_log = true;
  sp.x_format = XFormat::kPercentile;
  const json& spectrum = member(st, "latency_spectrum");
  ChartSeries due = series(rated ? "from due time" : "latency", {}, Fold::kMax);
  ChartSeries send = series("from send", {}, Fold::kMax);
  if (spectrum.contains("percentiles")) {
    for (size_t i = 0; i < spectrum["percentiles"].size(); ++i) {
      sp.x.push_back(percentile_x(spectrum["percentiles"][i].get<double>()));
      due.y.push_back(spectrum["from_due_ns"][i].get<double>() / kMs);
      send.y.push_back(spectrum["from_send_ns"][i].get<double>() / kMs);
    }
  }
  sp.series.push_back(std::move(due));
  if (rated) sp.series.push_back(std::move(send));
  charts.push_back(std::move(sp));

  // A series per failure class; without classes (none failed, or rows older than the
  // classes) the total.
  ChartSpec fail = over_time(p + "failures", "Failures by class and retries per second", "per second", iv);
  if (iv.classes.empty()) fail.series.push_back(series("failures", iv.failures, Fold::kMean));
  for (size_t i = 0; i < iv.classes.size(); ++i) {
    fail.series.push_back(series(iv.classes[i], iv.by_class[i], Fold::kMean));
  }
  fail.series.push_back(series("retries", iv.retries, Fold::kMean));
  charts.push_back(std::move(fail));
  server_charts(st, p, iv, &charts);
  return charts;
}

std::string section_title(const json& st) {
  const std::string go = st.value("go", false) ? "GO " : "";
  return go + (str(st, "kind") == "insert" ? "INSERT " : "QUERY ") + str(st, "name");
}

// SET, WAIT, EXEC and InfluxQL statements, one line each, as in the text report.
std::pair<std::string, std::string> script_line(const json& st) {
  const std::string kind = str(st, "kind");
  const std::string mark = st.value("ok", true) ? "[√] " : "[X] ";
  const std::string took = st.value("ran", false) ? dur(f64(st, "duration_ns")) : "not run";
  if (kind == "set") return {"SET " + str(st, "name"), "'" + str(st, "value") + "'"};
  if (kind == "wait") return {"WAIT", took};
  if (kind == "exec") return {mark + "EXEC " + str(st, "name"), "exit " + count(st, "exit_status") + " in " + took};
  std::string what = took;
  if (!str(st, "error").empty()) what += " (" + str(st, "error") + ")";
  return {mark + str(st, "name"), what};
}

}  // namespace

double target_requests_per_second(const json& rate, int64_t second) {
  const auto from = report::json_number(rate, "from");
  const auto to = report::json_number(rate, "to");
  const double per_request = f64(rate, "units_per_request");
  if (!from || !to || per_request <= 0) return NAN;
  const double ramp_s = f64(rate, "ramp_ns") / 1e9;
  const double mid = static_cast<double>(second) + 0.5;
  const double at = ramp_s <= 0 || mid >= ramp_s ? *to : *from + (*to - *from) * mid / ramp_s;
  return at / per_request;
}

HtmlPage run_page(const json& report) {
  HtmlPage page;
  page.kind = "run";
  page.title = "stressql run " + str(report, "test_id");
  page.header = header(report);
  HtmlSection script{"Script", "SET, WAIT, EXEC and InfluxQL statements, in order", {}, {}};
  if (!report.contains("statements")) return page;
  for (const json& st : report["statements"]) {
    const std::string kind = str(st, "kind");
    if (kind != "insert" && kind != "query") {
      script.numbers.push_back(script_line(st));
      continue;
    }
    HtmlSection s{section_title(st), "", statement_numbers(st), statement_charts(st)};
    int merged = 1;
    for (ChartSpec& c : s.charts) merged = std::max(merged, downsample(&c, kMaxPointsPerSeries));
    if (merged > 1) {
      s.note = "Each point stands for " + std::to_string(merged) +
               " seconds: rates, failures and p50 are their mean, p99 and max the worst of them.";
    }
    page.sections.push_back(std::move(s));
  }
  if (!script.numbers.empty()) page.sections.push_back(std::move(script));
  return page;
}

base::Status write_html_file(const std::string& path, const HtmlPage& page, const ChartLibrary& library) {
  std::ofstream out(path, std::ios::trunc | std::ios::binary);
  out << render_page(page, library);
  out.flush();
  if (!out) return base::Status::error("cannot write " + path);
  return base::Status::ok();
}

}  // namespace stressql::html
