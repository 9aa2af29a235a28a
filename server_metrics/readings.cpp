#include "server_metrics/readings.h"

#include <charconv>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

namespace stressql::server_metrics {
namespace {

using stats::ServerMetric;
using stats::ServerReading;

// A sum of the values found under one name; nullopt when none was.
struct Sum {
  std::optional<double> v;
  void add(double x) { v = v.value_or(0) + x; }
};

// Deeper than this, a JSON answer is not /debug/vars (and recursion would grow the stack).
constexpr int kMaxJsonDepth = 32;

bool too_deep(std::string_view s) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

bool parse_double(std::string_view s, double* out) {
  if (s == "+Inf" || s == "Inf") {
    *out = HUGE_VAL;
    return true;
  }
  if (s == "-Inf") {
    *out = -HUGE_VAL;
    return true;
  }
  if (s == "NaN") {
    *out = std::nan("");
    return true;
  }
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool is_name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}

// One sample line of the Prometheus text format: `name{labels} value [timestamp]`.
struct PromLine {
  std::string_view name, labels, value;
};

// False for a line that is not a sample (callers skip comments and blank lines first).
bool split_prom_line(std::string_view line, PromLine* out) {
  size_t i = 0;
  while (i < line.size() && is_name_char(line[i], i == 0)) ++i;
  if (i == 0) return false;
  out->name = line.substr(0, i);
  out->labels = {};
  if (i < line.size() && line[i] == '{') {
    const size_t open = i++;
    bool in_string = false;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '}') {
        break;
      }
    }
    if (i >= line.size()) return false;
    out->labels = line.substr(open + 1, i - open - 1);
    ++i;
  }
  if (i >= line.size() || (line[i] != ' ' && line[i] != '\t')) return false;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  size_t end = i;
  while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
  out->value = line.substr(i, end - i);
  return !out->value.empty();
}

// The value of label `key` in `labels` (`a="x",b="y"`), escapes left as they are.
std::string_view label_value(std::string_view labels, std::string_view key) {
  size_t i = 0;
  while (i < labels.size()) {
    while (i < labels.size() && (labels[i] == ' ' || labels[i] == ',')) ++i;
    const size_t eq = labels.find('=', i);
    if (eq == std::string_view::npos || eq + 1 >= labels.size() || labels[eq + 1] != '"') return {};
    const std::string_view k = labels.substr(i, eq - i);
    size_t j = eq + 2;
    while (j < labels.size() && labels[j] != '"') j += labels[j] == '\\' ? 2 : 1;
    if (k == key) return labels.substr(eq + 2, std::min(j, labels.size()) - eq - 2);
    i = j + 1;
  }
  return {};
}

// Sums of huge values can overflow to infinity (and their difference to NaN): left out.
void set(ServerReading* r, ServerMetric m, const Sum& s) {
  if (s.v && std::isfinite(*s.v)) (*r)[m] = s.v;
}

void add_extra(const std::vector<std::string>& wanted, const std::map<std::string, Sum, std::less<>>& found,
               ServerReading* out) {
  for (const std::string& name : wanted) {
    auto it = found.find(name);
    if (it != found.end() && it->second.v && std::isfinite(*it->second.v)) out->extra.emplace_back(name, *it->second.v);
  }
}

}  // namespace

const char* flavour_name(Flavour f) {
  switch (f) {
    case Flavour::kProcess: return "process";
    case Flavour::kInfluxDB2: return "InfluxDB 2.x";
    case Flavour::kVictoriaMetrics: return "VictoriaMetrics";
    case Flavour::kNodeExporter: return "node exporter";
  }
  return "process";
}

bool read_debug_vars(std::string_view body, const std::vector<std::string>& extra,
                     ServerReading* out, std::string* error) {
  if (too_deep(body)) {
    *error = "not an InfluxDB /debug/vars answer (JSON nested too deep)";
    return false;
  }
  const nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *error = "not an InfluxDB /debug/vars answer (not a JSON object)";
    return false;
  }
  Sum points, errors, series, cache, wal, go_sys;
  std::map<std::string, Sum, std::less<>> found;
  bool any = false;
  for (const auto& [key, entry] : j.items()) {
    if (!entry.is_object()) continue;
    auto name_it = entry.find("name");
    auto values_it = entry.find("values");
    if (name_it == entry.end() || !name_it->is_string() || values_it == entry.end() ||
        !values_it->is_object()) {
      continue;
    }
    any = true;
    const std::string& name = name_it->get_ref<const std::string&>();
    for (const auto& [field, value] : values_it->items()) {
      if (!value.is_number()) continue;
      const double v = value.get<double>();
      if (!extra.empty()) found[name + "." + field].add(v);
      if (name == "httpd") {
        if (field == "pointsWrittenOK") points.add(v);
        if (field == "pointsWrittenFail" || field == "pointsWrittenDropped") errors.add(v);
      } else if (name == "shard") {
        if (field == "seriesCreate") series.add(v);
      } else if (name == "tsm1_cache") {
        if (field == "memBytes") cache.add(v);
      } else if (name == "tsm1_wal") {
        if (field == "currentSegmentDiskBytes" || field == "oldSegmentsDiskBytes") wal.add(v);
      } else if (name == "runtime") {
        if (field == "Sys") go_sys.add(v);
      }
    }
  }
  if (!any) {
    *error = "not an InfluxDB /debug/vars answer (no statistics in it)";
    return false;
  }
  // Shards come with the first write: until then, no series were created.
  if (points.v && !series.v) series.add(0);
  set(out, ServerMetric::kPoints, points);
  set(out, ServerMetric::kWriteErrors, errors);
  set(out, ServerMetric::kSeriesCreated, series);
  set(out, ServerMetric::kCacheBytes, cache);
  set(out, ServerMetric::kWalBytes, wal);
  set(out, ServerMetric::kRss, go_sys);
  add_extra(extra, found, out);
  return true;
}

bool read_prometheus(std::string_view body, const std::vector<std::string>& extra,
                     ServerReading* out, Flavour* flavour, std::string* error) {
  Sum vm_rows, vm_series, influx_ok, influx_err, wal, cache;
  Sum proc_cpu, proc_rss, proc_disk;
  Sum node_busy, mem_total, mem_available, node_disk;
  bool node = false;
  size_t samples = 0, malformed = 0;
  std::map<std::string, Sum, std::less<>> found;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    std::string_view line = body.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    PromLine p;
    double v = 0;
    if (!split_prom_line(line, &p) || !parse_double(p.value, &v)) {
      ++malformed;
      continue;
    }
    ++samples;
    if (!std::isfinite(v)) continue;  // NaN and ±Inf are no count, no gauge we can sum
    const std::string_view n = p.name;
    if (!extra.empty()) found[std::string(n)].add(v);
    if (n == "vm_rows_inserted_total") {
      vm_rows.add(v);
    } else if (n == "vm_new_timeseries_created_total") {
      vm_series.add(v);
    } else if (n == "storage_writer_ok_points") {
      influx_ok.add(v);
    } else if (n == "storage_writer_err_points" || n == "storage_writer_dropped_points") {
      influx_err.add(v);
    } else if (n == "storage_wal_size" || n == "storage_wal_size_bytes") {
      wal.add(v);
    } else if (n == "storage_cache_inuse_bytes") {
      cache.add(v);
    } else if (n == "process_cpu_seconds_total") {
      proc_cpu.add(v);
    } else if (n == "process_resident_memory_bytes") {
      proc_rss.add(v);
    } else if (n == "process_io_storage_written_bytes_total") {
      proc_disk.add(v);
    } else if (n == "node_cpu_seconds_total") {
      node = true;
      const std::string_view mode = label_value(p.labels, "mode");
      if (mode != "idle" && mode != "iowait" && mode != "steal") node_busy.add(v);
    } else if (n == "node_memory_MemTotal_bytes") {
      mem_total.add(v);
    } else if (n == "node_memory_MemAvailable_bytes") {
      mem_available.add(v);
    } else if (n == "node_disk_written_bytes_total") {
      node_disk.add(v);
    }
  }
  if (samples == 0) {
    *error = malformed == 0 ? "not a Prometheus text answer (no metrics in it)"
                            : "not a Prometheus text answer (" + std::to_string(malformed) +
                                  " lines, none of them a metric)";
    return false;
  }
  if (node) {
    // A node exporter's process_* are its own: the host's numbers are the ones wanted.
    *flavour = Flavour::kNodeExporter;
    set(out, ServerMetric::kCpu, node_busy);
    if (mem_total.v && mem_available.v) {
      Sum used;
      used.add(*mem_total.v - *mem_available.v);
      set(out, ServerMetric::kRss, used);
    }
    set(out, ServerMetric::kDiskWriteBytes, node_disk);
  } else {
    *flavour = vm_rows.v ? Flavour::kVictoriaMetrics : influx_ok.v ? Flavour::kInfluxDB2 : Flavour::kProcess;
    set(out, ServerMetric::kPoints, vm_rows.v ? vm_rows : influx_ok);
    set(out, ServerMetric::kWriteErrors, influx_err);
    set(out, ServerMetric::kSeriesCreated, vm_series);
    set(out, ServerMetric::kWalBytes, wal);
    set(out, ServerMetric::kCacheBytes, cache);
    set(out, ServerMetric::kCpu, proc_cpu);
    set(out, ServerMetric::kRss, proc_rss);
    set(out, ServerMetric::kDiskWriteBytes, proc_disk);
  }
  add_extra(extra, found, out);
  return true;
}

bool read_proc(std::string_view stat, std::string_view status, std::string_view io,
               long ticks_per_second, ServerReading* out, std::string* error) {
  // stat: "PID (comm) S ppid …": comm may hold spaces and parentheses, so count from the
  // last ')'. utime and stime are the 14th and 15th fields, the 12th and 13th after it.
  const size_t close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) {
    *error = "/proc/PID/stat: not a process status line";
    return false;
  }
  std::string_view rest = stat.substr(close + 1);
  double fields[13] = {};
  int n = 0;
  size_t i = 0;
  while (n < 13 && i < rest.size()) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    size_t end = rest.find(' ', i);
    if (end == std::string_view::npos) end = rest.size();
    const std::string_view tok = rest.substr(i, end - i);
    if (tok.empty()) break;
    if (n >= 11 && (!parse_double(tok, &fields[n]) || !std::isfinite(fields[n]))) break;
    ++n;
    i = end;
  }
  if (n < 13) {
    *error = "/proc/PID/stat: too few fields";
    return false;
  }
  Sum cpu;
  cpu.add((fields[11] + fields[12]) / double(ticks_per_second));
  set(out, ServerMetric::kCpu, cpu);
  auto field_of = [](std::string_view text, std::string_view key, double* v) {
    size_t at = 0;
    while (at < text.size()) {
      size_t nl = text.find('\n', at);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view line = text.substr(at, nl - at);
      at = nl + 1;
      if (line.substr(0, key.size()) != key) continue;
      line.remove_prefix(key.size());
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      const size_t sp = line.find(' ');
      return parse_double(line.substr(0, sp), v) && std::isfinite(*v);
    }
    return false;
  };
  double rss_kb = 0;
  if (field_of(status, "VmRSS:", &rss_kb) && std::isfinite(rss_kb * 1024)) (*out)[ServerMetric::kRss] = rss_kb * 1024;
  double written = 0;
  if (field_of(io, "write_bytes:", &written)) (*out)[ServerMetric::kDiskWriteBytes] = written;
  return true;
}

}  // namespace stressql::server_metrics
