#pragma once
// SET parameters (SPEC §3 SET): their names, typed values and validation. The parser
// validates every SET with apply_setting(); the control thread applies the same
// function at run time, so a value that parsed is a value that runs.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parser/api_settings.h"
#include "parser/data_settings.h"
#include "parser/rate.h"
#include "parser/replay_settings.h"

namespace stressql::parser {

enum class SetName {
  kAddresses,
  kSSL,
  kUsername,
  kPassword,
  kDatabase,
  kPrecision,
  kStartDate,
  kBatchSize,
  kWriteInterval,
  kQueryInterval,
  kWriteConcurrency,
  kQueryConcurrency,
  kSeed,
  kWriteRate,
  kQueryRate,
  kApi,
  kOrg,
  kBucket,
  kGzip,
  kNoSync,
  kAcceptPartial,
  kReplayTime,
  kReplayLoops,
  kReplaySpeed,
  // SPEC §7.2 data shape (parser/data_settings.h).
  kMissingPoints,
  kMissingFields,
  kDisorder,
  kChurn,
  // SPEC §7.1: where the server's own metrics are read.
  kServerMetrics,
};

// Timestamp unit of generated points and of the `precision=` write parameter.
enum class Precision { kNanoseconds, kMicroseconds, kMilliseconds, kSeconds, kMinutes, kHours };

// "ns", "u", "ms", "s", "m" or "h": the spelling InfluxDB takes as precision=.
std::string_view precision_name(Precision p);
// Nanoseconds in one unit of p.
int64_t precision_nanos(Precision p);

struct StartDate {
  bool now = false;         // resolved when the INSERT starts
  int64_t unix_ns = 1451606400LL * 1000000000LL;  // 2016-01-01T00:00:00Z
};

struct Settings {
  std::vector<std::string> addresses{"localhost:8086"};
  bool ssl = false;
  std::string username;
  std::string password;
  std::string database = "stress";
  Precision precision = Precision::kSeconds;
  StartDate start_date;
  int64_t batch_size = 5000;
  int64_t write_interval_ns = 0;
  int64_t query_interval_ns = 0;
  int64_t write_concurrency = 15;
  int64_t query_concurrency = 5;
  std::optional<uint64_t> seed;  // unset: a random seed chosen per run
  Rate write_rate;               // open loop when set (parser/rate.h); else closed
  Rate query_rate;
  // InfluxDB 2.x/3.x and gzip (SPEC §6.4; parser/api_settings.h).
  Api api = Api::kAuto;
  std::string org;                   // v2 organisation (required by v2)
  std::string bucket;                // v2 bucket; empty: the Database
  int gzip_level = 0;                // 0: bodies sent as they are; 1-12: gzip level
  std::optional<bool> no_sync;       // v3 write options: sent only when SET
  std::optional<bool> accept_partial;
  ReplaySettings replay;             // INSERT … FROM (SPEC §7.3; parser/replay_settings.h)
  DataShape data;  // SPEC §7.2: MissingPoints, MissingFields, Disorder, Churn
  // SPEC §7.1: "auto" (each address's /ping picks /debug/vars or /metrics), "none", or
  // '|'-separated http:// URLs of /debug/vars or Prometheus text endpoints.
  std::string server_metrics = "auto";
};

struct SettingInfo {
  SetName name;
  std::string_view canonical;  // "BatchSize"
  std::string_view flag;       // "batch-size" (command line: --batch-size)
  std::string_view help;       // one line for --help
};

// Every SET name, in the order the report and `stressql check` list them.
std::span<const SettingInfo> all_settings();

// Case-insensitive lookup of a SET name; nullopt when unknown.
std::optional<SetName> find_setting(std::string_view name);
const SettingInfo& setting_info(SetName name);

// Parses `value` for `name` and stores it in *settings. On a malformed value returns
// false, leaves *settings unchanged and sets *error to what was expected.
bool apply_setting(SetName name, std::string_view value, Settings* settings, std::string* error);

// Text shown for a SET in the report: the value, or *** for the password.
std::string display_value(SetName name, std::string_view value);

}  // namespace stressql::parser
