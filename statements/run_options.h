#pragma once
// Everything `stressql run` takes from the command line.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/tls_context.h"
#include "generator/shard.h"
#include "net/results_endpoint.h"
#include "parser/settings.h"

namespace stressql::statements {

struct RunOptions {
  parser::Settings settings;           // starting values of the SET parameters (flags)
  std::string results_url = "http://localhost:8086";  // "none" switches results rows off
  // The --results server as resolved (API, credentials) by the command before the run:
  // barriers meet there. Empty host_port: not resolved (offline, --results none).
  net::ResultsEndpoint results_endpoint;
  std::string results_upload = "after";  // --results-upload: "after" the run or "live"
  std::optional<uint64_t> seed;        // --seed; SET Seed overrides it from that point on
  int reactors = 0;                    // 0: one per online CPU
  bool send_zc = false;                // --send-zc: zero-copy sends from registered buffers
  std::string dump_file;               // --dump: write request bodies here instead of sending
  bool dry_run = false;                // --dry-run: generate and discard, report points/s
  bool no_exec = false;                // --no-exec: refuse scripts that contain EXEC
  std::string json_file;               // --json
  bool progress = false;               // --progress (plain lines when stderr is no terminal)
  int64_t request_timeout_ns = 10'000'000'000;  // --timeout, per attempt
  uint32_t max_attempts = 5;           // --max-attempts
  int64_t query_wait_ns = 30'000'000'000;  // how long a templated QUERY waits for a point
  // --token, --token-file or STRESSQL_TOKEN: the v2/v3 API token. Never printed, stored in
  // results rows or written to the JSON.
  std::string token;
  engine::TlsOptions tls;              // --ca-file, --cert, --key, --server-name, --insecure:
                                       // used while SET SSL is true
  // Several load machines (SPEC §6.5).
  generator::Shard shard;              // --shard I/N: this process's part (0/1: all of it)
  std::string test_id;                 // --test-id, shared by the shards; empty: a fresh one
  int64_t barrier_timeout_ns = 300'000'000'000;  // --barrier-timeout: the wait for all shards
  std::string script_sha256;           // the script's hash: every shard must run the same
  int64_t start_at_unix_ns = 0;        // --start-at: wall time of the first statement; 0: now
  bool by_address = false;             // --by-address: numbers per target address
  // SPEC §7.1 (the sources themselves are SET ServerMetrics, settings.server_metrics).
  int server_pid = 0;                  // --server-pid: a server process on this machine
  std::vector<std::string> server_metric_names;  // --server-metric NAME, repeatable
};

}  // namespace stressql::statements
