#pragma once
// What one statement did: the numbers behind its lines in the text report, the JSON
// report and the results rows. Filled on the control thread, from engine samples.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "stats/address_stats.h"
#include "stats/histogram.h"
#include "stats/interval_stats.h"
#include "stats/server_stats.h"

namespace stressql::stats {

// Aggregates the samples of one request-sending statement.
// Points: attempted = accepted + dropped + failed (+ rendered, offline), exactly, once every
// request is final.
class RequestStats {
 public:
  void add(const engine::Sample& s);
  void add_send(const engine::Sample& s);  // the first attempt of a request (add calls it)
  // Adds other's samples, as if each had been add()ed here: counts and histograms add,
  // most_attempts and the send times take the wider bound. Exact (shards, `request_stats` rows).
  void merge(const RequestStats& other);
  // Forgets every sample; keeps the histograms' memory.
  void reset();

  uint64_t requests_ok = 0;      // final 2xx answers
  uint64_t requests_failed = 0;  // final failures of any class
  uint64_t attempts = 0;         // every attempt, retries included
  uint64_t retries = 0;          // attempts beyond the first
  uint64_t points_accepted = 0;  // points the server took
  uint64_t points_dropped = 0;   // points the server reported dropped (partial writes)
  uint64_t points_failed = 0;    // points of requests that finally failed
  uint64_t request_bytes = 0;    // bytes of final attempts that got a 2xx answer (offline:
                                 // of every rendered request, header included)
  // Offline engine (--dump / --dry-run): requests rendered and never sent (kNotSent); they
  // are neither ok nor failed.
  uint64_t requests_rendered = 0;
  uint64_t points_rendered = 0;
  uint64_t response_bytes = 0;   // answer body bytes of final 2xx answers
  // Retries as a user feels them, over requests with a final sample: how many took more
  // than one attempt, the most attempts any took, and for each retried request the time from
  // its first due time to the send of the attempt that settled it (its final sample's lag).
  uint64_t requests_retried = 0;
  uint32_t most_attempts = 0;
  Histogram retry_lost;
  int64_t retry_lost_total_ns = 0;
  // Attempts per finished request (ok, failed or rendered): attempts ÷ requests; 0 before any.
  double attempts_per_request() const;
  // Latency of successful requests, from the request's first due time to the answer that
  // settled it: across every attempt, so time lost to retries counts.
  Histogram latency;
  // The same requests' latency from the moment their last attempt was sent (latency − lag):
  // the server's time, what a closed-loop client would report; it hides the time spent
  // waiting to send and the time lost to earlier attempts.
  Histogram latency_from_send;
  // Sends: the first attempts, which a rate schedules, and how late they went out.
  static constexpr int64_t kLateNs = 1'000'000;  // later than this after its due time: late
  uint64_t sends = 0;
  uint64_t sent_points = 0;
  uint64_t sent_body_bytes = 0;
  // Body bytes before and after the request encoding (gzip), over first attempts and
  // rendered requests: raw / encoded is the compression ratio.
  uint64_t raw_body_bytes = 0;
  uint64_t encoded_body_bytes = 0;
  int64_t first_due_unix_ns = 0;   // the earliest due time of a send (0 before the first)
  int64_t last_send_unix_ns = 0;
  uint64_t sent_late = 0;
  Histogram lag;  // of every send
  // Final failures by class ("http 404", "timeout", "connect: ECONNREFUSED", …).
  std::map<std::string, uint64_t> failures;
  // Every attempt's HTTP status (0: no answer).
  std::map<int, uint64_t> statuses;
};

enum class StatementKind { kSet, kInsert, kQuery, kExec, kInfluxQL, kWait };

// Under an open-loop rate (SET WriteRate / QueryRate): the target as set, as numbers (the
// JSON, the rows and the pages carry these; its text is made from them, never read back).
struct RateTarget {
  std::string unit;              // "req/s", "pts/s" or "MB/s"; empty: the closed loop
  double from = 0;               // per second, in `unit`, at the start
  double to = 0;                 // per second after the ramp (== from without one)
  int64_t ramp_ns = 0;           // 0: no ramp
  uint32_t shards = 1;           // > 1: a merged report, the sum of this many shards' targets
  double units_per_request = 1;  // points (pts/s) or mean body MB (MB/s) per request
  std::string per_request;       // "100 points per request", or empty
  int64_t slack_ns = 0;          // the engine's timer slack (engine::kTimerSlackNs): a request
                                 // went out at most this early; 0: not known (older rows)
  bool open_loop() const { return !unit.empty(); }
  // The target `since_start_ns` after the statement's start, per second in `unit`.
  double at(int64_t since_start_ns) const;
};

// "2000 req/s", "0 pts/s to 2000 pts/s over 10s" (the spelling of parser::rate_text), and
// ", shared by N shards" for a merged report; "" for the closed loop.
std::string rate_target_text(const RateTarget& r);

struct StatementReport {
  StatementKind kind = StatementKind::kSet;
  std::string id;
  std::string name;    // INSERT/QUERY name, InfluxQL text, EXEC command, SET name
  bool go = false;
  bool ran = false;    // false: never started (interrupted, or an earlier fatal error)
  bool ok = true;
  bool offline = false;  // --dump / --dry-run: generated, never sent
  std::string error;   // why it failed, for the report
  std::string warning; // what the user should know although nothing failed
  std::string hint;    // what the user can change when the failure has a known cause
  int64_t start_unix_ns = 0;
  int64_t duration_ns = 0;

  // INSERT / QUERY / InfluxQL
  RequestStats stats;
  IntervalStats intervals;       // the same samples, per second of due time
  uint64_t points_requested = 0;  // INSERT: points in the statement
  uint64_t points_not_sent = 0;   // INSERT: never sent (interrupted, or the target given up)
  uint64_t points_skipped = 0;    // INSERT: left out by MissingPoints (SPEC §7.2), never sent
  std::string data_shape;         // INSERT: the SPEC §7.2 templates and settings in force
  uint64_t requests_not_sent = 0;
  uint64_t requests_planned = 0;
  uint64_t series = 0;
  int http_status = 0;            // InfluxQL: the answer's status
  RateTarget rate;                // the closed loop unless rate.open_loop()
  std::string server_message;     // InfluxQL / failures: the server's error text
  // --by-address with several Addresses: one per address, in SET Addresses order.
  std::vector<AddressStats> by_address;
  // Several Addresses (with or without --by-address): the points each accepted, in SET
  // Addresses order, so a metrics source of one address judges its own share
  // (ServerSourceStats::address_share).
  std::vector<std::pair<std::string, uint64_t>> accepted_by_address;
  // SET ServerMetrics / --server-pid (SPEC §7.1): each metrics source over the statement's
  // time window, in the order the run found them; empty when none was read.
  std::vector<ServerSourceStats> server;

  // EXEC
  int exit_status = -1;

  // SET
  std::string set_value;          // already masked for the password

  // Settings in force when it started (results-row tags and the JSON report).
  int number_targets = 0;
  std::string precision;
  int64_t writers = 0, readers = 0;
  int64_t write_interval_ns = 0, query_interval_ns = 0, batch_size = 0;
  int number_fields = 0;
  std::string api;         // "v1", "v2" or "v3" (SPEC §6.4)
  std::string api_reason;  // "SET Api", or what auto saw
  int gzip_level = 0;      // 0: bodies sent uncompressed
  std::string write_options;  // v3 options as sent ("no_sync=true"), empty when none is SET
};

// The rate the statement sent at, in its target's unit (rate.unit), from the first send's
// due time to the last send: (sends − 1) request spacings. Nothing is sent early, so
// sending late lowers it. 0 with fewer than two sends.
double achieved_rate(const StatementReport& r);

// Body bytes before gzip ÷ after, over the requests sent (or rendered); 0 before any.
double compression_ratio(const StatementReport& r);

// "set", "insert", "query", "exec", "influxql" or "wait" (JSON report, results rows).
const char* kind_name(StatementKind k);

// The run's totals over its statements (offline INSERTs count no points).
struct RunTotals {
  uint64_t points_requested = 0, points_accepted = 0, points_dropped = 0, points_failed = 0;
  uint64_t points_not_sent = 0, points_skipped = 0, requests_ok = 0, requests_failed = 0;
  // INSERTs of --dump/--dry-run: rendered by the reactors, never sent (not in the above).
  uint64_t points_rendered = 0, requests_rendered = 0;
  // The points the run's CPU is per: accepted, or under --dump/--dry-run rendered (a run is
  // one or the other, so the other is 0).
  uint64_t cpu_points() const { return points_accepted + points_rendered; }
  int failed_statements = 0;
};
RunTotals run_totals(const std::vector<StatementReport>& statements);

}  // namespace stressql::stats
