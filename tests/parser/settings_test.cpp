#include "parser/settings.h"

#include <gtest/gtest.h>

#include <set>

#include "parser/time_text.h"

namespace stressql::parser {
namespace {

int64_t duration(std::string_view text) {
  int64_t ns = -1;
  EXPECT_TRUE(parse_duration(text, &ns)) << text;
  return ns;
}

bool bad_duration(std::string_view text) {
  int64_t ns = 0;
  return !parse_duration(text, &ns);
}

TEST(Duration, UnitsAndCompounds) {
  EXPECT_EQ(duration("10ns"), 10);
  EXPECT_EQ(duration("10us"), 10000);
  EXPECT_EQ(duration("10\xC2\xB5s"), 10000);  // µs (micro sign)
  EXPECT_EQ(duration("10\xCE\xBCs"), 10000);  // μs (Greek mu)
  EXPECT_EQ(duration("10ms"), 10000000);      // orig: ten minutes
  EXPECT_EQ(duration("10s"), 10000000000);
  EXPECT_EQ(duration("2m"), 120000000000);
  EXPECT_EQ(duration("1h"), 3600000000000);  // orig: failed
  EXPECT_EQ(duration("1m30s"), 90000000000);
  EXPECT_EQ(duration("1h2m3s4ms5us6ns"), 3723004005006);
  EXPECT_EQ(duration("1.5s"), 1500000000);
  EXPECT_EQ(duration("0"), 0);
  EXPECT_EQ(duration("0s"), 0);
}

TEST(Duration, Rejects) {
  for (std::string_view t : {"", "10", "s", "10x", "-1s", "1 s", "10S", "1m30", "1..5s", ".s",
                             "9999999999999999999s", "9223372037s", "2562048h"}) {
    EXPECT_TRUE(bad_duration(t)) << t;
  }
  EXPECT_EQ(duration("2562047h"), 2562047LL * 3600000000000LL);
}

Settings apply_ok(SetName name, std::string_view value) {
  Settings s;
  std::string error;
  EXPECT_TRUE(apply_setting(name, value, &s, &error)) << value << ": " << error;
  return s;
}

std::string apply_error(SetName name, std::string_view value) {
  Settings s;
  Settings before = s;
  std::string error;
  EXPECT_FALSE(apply_setting(name, value, &s, &error)) << value;
  EXPECT_EQ(s.batch_size, before.batch_size);
  EXPECT_EQ(s.addresses, before.addresses);
  EXPECT_EQ(s.start_date.unix_ns, before.start_date.unix_ns);
  EXPECT_FALSE(error.empty());
  return error;
}

TEST(Settings, Defaults) {
  Settings s;
  EXPECT_EQ(s.addresses, std::vector<std::string>{"localhost:8086"});
  EXPECT_EQ(s.database, "stress");
  EXPECT_EQ(s.precision, Precision::kSeconds);
  EXPECT_EQ(s.batch_size, 5000);
  EXPECT_EQ(s.write_concurrency, 15);
  EXPECT_EQ(s.query_concurrency, 5);
  EXPECT_EQ(format_unix_ns(s.start_date.unix_ns), "2016-01-01T00:00:00Z");
}

TEST(Settings, NamesAreCaseInsensitiveAndComplete) {
  EXPECT_EQ(find_setting("batchsize"), SetName::kBatchSize);
  EXPECT_EQ(find_setting("BATCHSIZE"), SetName::kBatchSize);
  EXPECT_EQ(find_setting("seed"), SetName::kSeed);
  EXPECT_EQ(find_setting("Batchsize2"), std::nullopt);
  std::set<std::string_view> flags;
  for (const SettingInfo& s : all_settings()) {
    EXPECT_EQ(find_setting(s.canonical), s.name);
    EXPECT_EQ(&setting_info(s.name), &s);
    EXPECT_FALSE(s.help.empty());
    EXPECT_TRUE(flags.insert(s.flag).second) << s.flag;
  }
  // 21 + ReplayTime, ReplayLoops, ReplaySpeed + SPEC §7.2's four + ServerMetrics
  EXPECT_EQ(all_settings().size(), 29u);
  EXPECT_EQ(setting_info(SetName::kBatchSize).flag, "batch-size");
  EXPECT_EQ(setting_info(SetName::kStartDate).flag, "start-date");
}

TEST(Settings, ServerMetrics) {
  EXPECT_EQ(Settings().server_metrics, "auto");
  EXPECT_EQ(apply_ok(SetName::kServerMetrics, "NONE").server_metrics, "none");
  EXPECT_EQ(apply_ok(SetName::kServerMetrics, "http://db1:9100/metrics | http://[::1]:8086/debug/vars").server_metrics,
            "http://db1:9100/metrics | http://[::1]:8086/debug/vars");
  for (std::string_view v : {"", "yes", "db1:9100", "https://db1:9100/metrics", "http://db1/metrics",
                             "http://db1:9100/metrics|", "http://a b:1/x"}) {
    apply_error(SetName::kServerMetrics, v);
  }
  EXPECT_EQ(display_value(SetName::kServerMetrics, "http://bob:pw@db1:9100/metrics|http://db2:1/m@x"),
            "http://db1:9100/metrics|http://db2:1/m@x");
}

TEST(Settings, Counts) {
  EXPECT_EQ(apply_ok(SetName::kBatchSize, "1").batch_size, 1);
  EXPECT_EQ(apply_ok(SetName::kWriteConcurrency, "64").write_concurrency, 64);
  EXPECT_EQ(apply_ok(SetName::kQueryConcurrency, "2").query_concurrency, 2);
  for (std::string_view v : {"0", "-1", "", "1.5", "abc", "99999999999999999999", " 5"}) {
    apply_error(SetName::kBatchSize, v);
    apply_error(SetName::kWriteConcurrency, v);
    apply_error(SetName::kQueryConcurrency, v);
  }
}

TEST(Settings, Precision) {
  EXPECT_EQ(apply_ok(SetName::kPrecision, "ns").precision, Precision::kNanoseconds);
  EXPECT_EQ(apply_ok(SetName::kPrecision, "u").precision, Precision::kMicroseconds);
  EXPECT_EQ(apply_ok(SetName::kPrecision, "us").precision, Precision::kMicroseconds);
  EXPECT_EQ(apply_ok(SetName::kPrecision, "ms").precision, Precision::kMilliseconds);
  EXPECT_EQ(apply_ok(SetName::kPrecision, "S").precision, Precision::kSeconds);
  EXPECT_EQ(apply_ok(SetName::kPrecision, "m").precision, Precision::kMinutes);
  EXPECT_EQ(apply_ok(SetName::kPrecision, "h").precision, Precision::kHours);
  EXPECT_NE(apply_error(SetName::kPrecision, "d").find("ns, u, ms, s, m or h"), std::string::npos);
  EXPECT_EQ(precision_name(Precision::kMicroseconds), "u");
  EXPECT_EQ(precision_nanos(Precision::kMinutes), 60000000000);
}

TEST(Settings, StartDate) {
  auto at = [](std::string_view v) {
    return format_unix_ns(apply_ok(SetName::kStartDate, v).start_date.unix_ns);
  };
  EXPECT_EQ(at("2016-01-01"), "2016-01-01T00:00:00Z");
  EXPECT_EQ(apply_ok(SetName::kStartDate, "2016-01-01").start_date.unix_ns, 1451606400000000000);
  EXPECT_EQ(at("2020-02-29T12:34:56Z"), "2020-02-29T12:34:56Z");
  EXPECT_EQ(at("2020-02-29t12:34:56z"), "2020-02-29T12:34:56Z");
  EXPECT_EQ(at("2020-01-01T02:00:00+02:00"), "2020-01-01T00:00:00Z");
  EXPECT_EQ(at("2019-12-31T22:30:00-01:30"), "2020-01-01T00:00:00Z");
  EXPECT_EQ(at("2020-01-01T00:00:00.5Z"), "2020-01-01T00:00:00.500000000Z");
  EXPECT_EQ(at("2020-01-01T00:00:00.123456789123Z"), "2020-01-01T00:00:00.123456789Z");
  EXPECT_EQ(at("1970-01-01"), "1970-01-01T00:00:00Z");
  EXPECT_EQ(at("1969-12-31T23:59:59Z"), "1969-12-31T23:59:59Z");
  EXPECT_TRUE(apply_ok(SetName::kStartDate, "now").start_date.now);
  EXPECT_TRUE(apply_ok(SetName::kStartDate, "NOW").start_date.now);
  for (std::string_view v :
       {"", "2016", "2016-1-1", "2016-13-01", "2016-02-30", "2019-02-29", "2016-01-01T",
        "2016-01-01T10:00:00", "2016-01-01T24:00:00Z", "2016-01-01T10:00Z", "2016-01-01T10:00:00.Z",
        "2016-01-01T10:00:00+0200", "2016-01-01Z", "3000-01-01", "1600-01-01", "yesterday",
        "2016-01-01T10:00:00Zjunk"}) {
    apply_error(SetName::kStartDate, v);
  }
}

TEST(Settings, Addresses) {
  EXPECT_EQ(apply_ok(SetName::kAddresses, "a:1|b:2").addresses,
            (std::vector<std::string>{"a:1", "b:2"}));
  EXPECT_EQ(apply_ok(SetName::kAddresses, " a:1 | [::1]:8086 ").addresses,
            (std::vector<std::string>{"a:1", "[::1]:8086"}));
  for (std::string_view v : {"", "a:1|", "|a:1", "a:1||b:2", "localhost", "a:0", "a:65536",
                             "http://a:8086", "a b:1", ":8086", "[::1]"}) {
    apply_error(SetName::kAddresses, v);
  }
}

TEST(Settings, Others) {
  EXPECT_TRUE(apply_ok(SetName::kSSL, "true").ssl);
  EXPECT_TRUE(apply_ok(SetName::kSSL, "TRUE").ssl);
  EXPECT_FALSE(apply_ok(SetName::kSSL, "false").ssl);
  apply_error(SetName::kSSL, "yes");
  EXPECT_EQ(apply_ok(SetName::kDatabase, "MyDB").database, "MyDB");
  apply_error(SetName::kDatabase, "");
  EXPECT_EQ(apply_ok(SetName::kPassword, "S3cr]t").password, "S3cr]t");
  EXPECT_EQ(apply_ok(SetName::kUsername, "Admin").username, "Admin");
  EXPECT_EQ(apply_ok(SetName::kWriteInterval, "10ms").write_interval_ns, 10000000);
  EXPECT_EQ(apply_ok(SetName::kQueryInterval, "1m30s").query_interval_ns, 90000000000);
  apply_error(SetName::kWriteInterval, "10");
  EXPECT_EQ(apply_ok(SetName::kSeed, "18446744073709551615").seed, UINT64_MAX);
  EXPECT_EQ(apply_ok(SetName::kSeed, "0").seed, 0u);
  apply_error(SetName::kSeed, "18446744073709551616");
  apply_error(SetName::kSeed, "-1");
  EXPECT_EQ(display_value(SetName::kPassword, "secret"), "***");
  EXPECT_EQ(display_value(SetName::kDatabase, "db"), "db");
}

TEST(Settings, ModernApisAndGzip) {
  Settings defaults;
  EXPECT_EQ(defaults.api, Api::kAuto);
  EXPECT_EQ(defaults.gzip_level, 0);
  EXPECT_FALSE(defaults.no_sync.has_value());
  EXPECT_FALSE(defaults.accept_partial.has_value());
  EXPECT_EQ(apply_ok(SetName::kApi, "V2").api, Api::kV2);
  EXPECT_EQ(apply_ok(SetName::kApi, "v3").api, Api::kV3);
  EXPECT_EQ(apply_ok(SetName::kApi, "auto").api, Api::kAuto);
  apply_error(SetName::kApi, "v4");
  apply_error(SetName::kApi, "");
  EXPECT_EQ(apply_ok(SetName::kOrg, "My Org").org, "My Org");
  EXPECT_EQ(apply_ok(SetName::kBucket, "b/autogen").bucket, "b/autogen");
  EXPECT_EQ(apply_ok(SetName::kGzip, "true").gzip_level, 1);
  EXPECT_EQ(apply_ok(SetName::kGzip, "FALSE").gzip_level, 0);
  EXPECT_EQ(apply_ok(SetName::kGzip, "1").gzip_level, 1);
  EXPECT_EQ(apply_ok(SetName::kGzip, "12").gzip_level, 12);
  for (std::string_view v : {"0", "13", "yes", "-1", ""}) apply_error(SetName::kGzip, v);
  EXPECT_EQ(apply_ok(SetName::kNoSync, "true").no_sync, true);
  EXPECT_EQ(apply_ok(SetName::kAcceptPartial, "False").accept_partial, false);
  apply_error(SetName::kNoSync, "1");
  EXPECT_EQ(setting_info(SetName::kAcceptPartial).flag, "accept-partial");
  EXPECT_EQ(find_setting("GZIP"), SetName::kGzip);
}

}  // namespace
}  // namespace stressql::parser
