#include "parser/settings.h"

#include <limits>

#include "parser/text.h"
#include "parser/time_text.h"

namespace stressql::parser {
namespace {

constexpr SettingInfo kSettings[] = {
    {SetName::kAddresses, "Addresses", "addresses",
     "'|'-separated host:port targets; requests go round-robin across them"},
    {SetName::kSSL, "SSL", "ssl", "true: HTTPS with verified certificates; false: plain HTTP"},
    {SetName::kUsername, "Username", "username", "user name sent to the target (HTTP Basic auth)"},
    {SetName::kPassword, "Password", "password", "password sent to the target (never printed)"},
    {SetName::kDatabase, "Database", "database", "database for writes, queries and passthrough"},
    {SetName::kPrecision, "Precision", "precision",
     "timestamp unit of generated points and of precision=: ns, u, ms, s, m or h"},
    {SetName::kStartDate, "StartDate", "start-date",
     "first timestamp of each INSERT: YYYY-MM-DD, RFC 3339 time, or now"},
    {SetName::kBatchSize, "BatchSize", "batch-size", "points per write request (>= 1)"},
    {SetName::kWriteInterval, "WriteInterval", "write-interval",
     "pause between write requests of one writer (duration, e.g. 10ms)"},
    {SetName::kQueryInterval, "QueryInterval", "query-interval",
     "pause between queries of one reader (duration, e.g. 1s)"},
    {SetName::kWriteConcurrency, "WriteConcurrency", "write-concurrency",
     "write requests in flight at once (>= 1)"},
    {SetName::kQueryConcurrency, "QueryConcurrency", "query-concurrency",
     "queries in flight at once (>= 1)"},
    {SetName::kSeed, "Seed", "seed",
     "seed of the random value generators; the same seed gives the same bytes"},
    {SetName::kWriteRate, "WriteRate", "write-rate",
     "open-loop write rate: 0 (closed loop), <n> pts/s, req/s or MB/s, or '<a> to <b> over <d>'"},
    {SetName::kQueryRate, "QueryRate", "query-rate",
     "open-loop query rate: 0 (closed loop), <n> req/s, or '<a> req/s to <b> req/s over <d>'"},
    {SetName::kApi, "Api", "api",
     "HTTP API: auto (from the server's /ping), v1, v2 (/api/v2/write) or v3 (/api/v3/write_lp)"},
    {SetName::kOrg, "Org", "org", "v2 organisation name (required by the v2 API)"},
    {SetName::kBucket, "Bucket", "bucket", "v2 bucket (default: the Database)"},
    {SetName::kGzip, "Gzip", "gzip",
     "gzip write bodies: true (level 1), false, or a level 1-12 (1: ISA-L igzip; 2-12: libdeflate)"},
    {SetName::kNoSync, "NoSync", "no-sync",
     "v3 no_sync: true acknowledges writes before the WAL is persisted (sent only when set)"},
    {SetName::kAcceptPartial, "AcceptPartial", "accept-partial",
     "v3 accept_partial: false rejects a whole batch with a bad line (sent only when set)"},
    {SetName::kReplayTime, "ReplayTime", "replay-time",
     "INSERT ... FROM: keep the file's timestamps, or shift them so its first is StartDate"},
    {SetName::kReplayLoops, "ReplayLoops", "replay-loops",
     "INSERT ... FROM: passes over the file, each shifted by the file's time span"},
    {SetName::kReplaySpeed, "ReplaySpeed", "replay-speed",
     "INSERT ... FROM without a WriteRate: 0 (as fast as possible) or <f>x, the file's clock f times faster"},
    {SetName::kMissingPoints, "MissingPoints", "missing-points",
     "share of points left out (seeded) and counted as skipped, e.g. 5%"},
    {SetName::kMissingFields, "MissingFields", "missing-fields",
     "share of each point's fields left out (at least one stays), e.g. 2%"},
    {SetName::kDisorder, "Disorder", "disorder",
     "'<p>% within <duration>': points held back and sent up to <duration> of timestamps late"},
    {SetName::kChurn, "Churn", "churn",
     "'<p>% every <duration>': series retired and replaced by new ones as timestamps advance"},
    {SetName::kServerMetrics, "ServerMetrics", "server-metrics",
     "the server's own metrics: auto (from each address's /ping), none, or '|'-separated "
     "http://host:port/path URLs (/debug/vars JSON or Prometheus text, e.g. a node exporter)"},
};

bool parse_count(std::string_view value, int64_t* out, std::string* error) {
  uint64_t v = 0;
  if (!parse_uint(value, static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), &v) ||
      v == 0) {
    *error = "expected a whole number >= 1, found '" + quote_snippet(value) + "'";
    return false;
  }
  *out = static_cast<int64_t>(v);
  return true;
}

bool parse_interval(std::string_view value, int64_t* out, std::string* error) {
  if (!parse_duration(value, out)) {
    *error =
        "expected a duration like 0s, 500ms, 10s or 1m30s (units ns, us, ms, s, m, h), found '" +
        quote_snippet(value) + "'";
    return false;
  }
  return true;
}

bool parse_address(std::string_view a, std::string* error) {
  if (a.empty()) {
    *error = "empty address in the list; expected host:port[|host:port...]";
    return false;
  }
  if (a.find("://") != std::string_view::npos) {
    *error = "address '" + quote_snippet(a) +
             "' has a scheme; write host:port and use SET SSL [true] for HTTPS";
    return false;
  }
  for (char c : a) {
    if (is_space(c)) {
      *error = "address '" + quote_snippet(a) + "' contains a blank; expected host:port";
      return false;
    }
  }
  size_t colon = a.rfind(':');
  size_t bracket = a.rfind(']');  // IPv6: [::1]:8086
  uint64_t port = 0;
  if (colon == std::string_view::npos || colon == 0 ||
      (bracket != std::string_view::npos && bracket > colon) ||
      !parse_uint(a.substr(colon + 1), 65535, &port) || port == 0) {
    *error = "expected host:port (port 1-65535), found '" + quote_snippet(a) + "'";
    return false;
  }
  return true;
}

bool parse_addresses(std::string_view value, std::vector<std::string>* out, std::string* error) {
  std::vector<std::string> list;
  size_t start = 0;
  while (true) {
    size_t bar = value.find('|', start);
    std::string_view item = trim_blanks(value.substr(start, bar - start));
    if (!parse_address(item, error)) return false;
    list.emplace_back(item);
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  *out = std::move(list);
  return true;
}

bool parse_precision(std::string_view value, Precision* out, std::string* error) {
  struct Name {
    std::string_view text;
    Precision p;
  };
  // `us` and `µs` are accepted for u because that is how durations spell microseconds.
  static constexpr Name kNames[] = {
      {"ns", Precision::kNanoseconds},  {"u", Precision::kMicroseconds},
      {"us", Precision::kMicroseconds}, {"\xC2\xB5s", Precision::kMicroseconds},
      {"ms", Precision::kMilliseconds}, {"s", Precision::kSeconds},
      {"m", Precision::kMinutes},       {"h", Precision::kHours},
  };
  for (const Name& n : kNames) {
    if (iequals(value, n.text)) {
      *out = n.p;
      return true;
    }
  }
  *error = "expected a precision ns, u, ms, s, m or h, found '" + quote_snippet(value) + "'";
  return false;
}

// auto, none, or '|'-separated http://host:port[/path] URLs (net/ reads them; the URL's
// credentials stay in the value, which the report shows without them).
bool parse_server_metrics(std::string_view value, std::string* out, std::string* error) {
  if (iequals(value, "auto") || iequals(value, "none")) {
    *out = iequals(value, "auto") ? "auto" : "none";
    return true;
  }
  size_t start = 0;
  while (true) {
    const size_t bar = value.find('|', start);
    const std::string_view item = trim_blanks(value.substr(start, bar - start));
    const std::string_view rest = item.substr(std::min(item.size(), size_t{7}));
    const size_t colon = rest.substr(0, rest.find('/')).rfind(':');
    if (item.substr(0, 7) != "http://" || colon == std::string_view::npos || colon == 0 ||
        item.find_first_of(" \t") != std::string_view::npos) {
      *error = "expected auto, none or '|'-separated http://host:port/path URLs, found '" +
               quote_snippet(item) + "'";
      return false;
    }
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  *out = std::string(value);
  return true;
}

}  // namespace

std::string_view precision_name(Precision p) {
  switch (p) {
    case Precision::kNanoseconds:
      return "ns";
    case Precision::kMicroseconds:
      return "u";
    case Precision::kMilliseconds:
      return "ms";
    case Precision::kSeconds:
      return "s";
    case Precision::kMinutes:
      return "m";
    case Precision::kHours:
      return "h";
  }
  return "s";
}

int64_t precision_nanos(Precision p) {
  switch (p) {
    case Precision::kNanoseconds:
      return 1;
    case Precision::kMicroseconds:
      return 1000;
    case Precision::kMilliseconds:
      return 1000000;
    case Precision::kSeconds:
      return 1000000000;
    case Precision::kMinutes:
      return 60000000000;
    case Precision::kHours:
      return 3600000000000;
  }
  return 1000000000;
}

std::span<const SettingInfo> all_settings() { return kSettings; }

std::optional<SetName> find_setting(std::string_view name) {
  for (const SettingInfo& s : kSettings) {
    if (iequals(s.canonical, name)) return s.name;
  }
  return std::nullopt;
}

const SettingInfo& setting_info(SetName name) {
  for (const SettingInfo& s : kSettings) {
    if (s.name == name) return s;
  }
  return kSettings[0];  // unreachable: every enumerator is in the table
}

bool apply_setting(SetName name, std::string_view value, Settings* settings, std::string* error) {
  switch (name) {
    case SetName::kAddresses:
      return parse_addresses(value, &settings->addresses, error);
    case SetName::kSSL:
      if (iequals(value, "true") || iequals(value, "false")) {
        settings->ssl = iequals(value, "true");
        return true;
      }
      *error = "expected true or false, found '" + quote_snippet(value) + "'";
      return false;
    case SetName::kUsername:
      settings->username = std::string(value);
      return true;
    case SetName::kPassword:
      settings->password = std::string(value);
      return true;
    case SetName::kDatabase:
      if (value.empty()) {
        *error = "expected a database name, found nothing";
        return false;
      }
      settings->database = std::string(value);
      return true;
    case SetName::kPrecision:
      return parse_precision(value, &settings->precision, error);
    case SetName::kStartDate:
      return parse_start_date(value, &settings->start_date, error);
    case SetName::kBatchSize:
      return parse_count(value, &settings->batch_size, error);
    case SetName::kWriteInterval:
      return parse_interval(value, &settings->write_interval_ns, error);
    case SetName::kQueryInterval:
      return parse_interval(value, &settings->query_interval_ns, error);
    case SetName::kWriteConcurrency:
      return parse_count(value, &settings->write_concurrency, error);
    case SetName::kQueryConcurrency:
      return parse_count(value, &settings->query_concurrency, error);
    case SetName::kSeed: {
      uint64_t seed = 0;
      if (!parse_uint(value, std::numeric_limits<uint64_t>::max(), &seed)) {
        *error =
            "expected a whole number 0-18446744073709551615, found '" + quote_snippet(value) + "'";
        return false;
      }
      settings->seed = seed;
      return true;
    }
    case SetName::kWriteRate:
      return parse_rate(value, true, &settings->write_rate, error);
    case SetName::kQueryRate:
      return parse_rate(value, false, &settings->query_rate, error);
    case SetName::kApi:
      return parse_api(value, &settings->api, error);
    case SetName::kOrg:
      settings->org = std::string(value);
      return true;
    case SetName::kBucket:
      settings->bucket = std::string(value);
      return true;
    case SetName::kGzip:
      return parse_gzip(value, &settings->gzip_level, error);
    case SetName::kNoSync:
      return parse_bool(value, &settings->no_sync, error);
    case SetName::kAcceptPartial:
      return parse_bool(value, &settings->accept_partial, error);
    case SetName::kReplayTime:
      return parse_replay_time(value, &settings->replay.time, error);
    case SetName::kReplayLoops:
      return parse_replay_loops(value, &settings->replay.loops, error);
    case SetName::kReplaySpeed:
      return parse_replay_speed(value, &settings->replay.speed, error);
    case SetName::kMissingPoints:
      return parse_share(value, &settings->data.missing_points, error);
    case SetName::kMissingFields:
      return parse_share(value, &settings->data.missing_fields, error);
    case SetName::kDisorder:
      return parse_share_per(value, "within", &settings->data.disorder,
                             &settings->data.disorder_within_ns, error);
    case SetName::kChurn:
      return parse_share_per(value, "every", &settings->data.churn,
                             &settings->data.churn_every_ns, error);
    case SetName::kServerMetrics:
      return parse_server_metrics(value, &settings->server_metrics, error);
  }
  *error = "unknown setting";
  return false;
}

std::string display_value(SetName name, std::string_view value) {
  if (name == SetName::kPassword) return "***";
  if (name == SetName::kServerMetrics) {
    // A URL's user:password is never shown: "http://bob:pw@db1:8086/x" -> "http://db1:8086/x".
    std::string shown;
    size_t start = 0;
    while (true) {
      const size_t bar = value.find('|', start);
      std::string_view item = value.substr(start, bar - start);
      const size_t scheme = item.find("://");
      const size_t at = item.find('@');
      const size_t slash = scheme == std::string_view::npos ? item.npos : item.find('/', scheme + 3);
      if (scheme != item.npos && at != item.npos && at < slash) {
        shown.append(item.substr(0, scheme + 3)).append(item.substr(at + 1));
      } else {
        shown.append(item);
      }
      if (bar == std::string_view::npos) break;
      shown += '|';
      start = bar + 1;
    }
    return shown;
  }
  return std::string(value);
}

}  // namespace stressql::parser
