#include "cli/shard_flags.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "parser/time_text.h"

namespace stressql::cli {

bool valid_test_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

void add_shard_flags(CLI::App* run, RunArgs* args) {
  run->add_option("--shard", args->shard_text,
                  "run shard I of N (0 <= I < N) of the test: each INSERT's requests and each "
                  "QUERY's queries are split among the N shards, rates divided by N; auto/N "
                  "takes I from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)");
  run->add_option("--test-id", args->options.test_id,
                  "the test ID (letters, digits, . _ -; at most 64), shared by every shard of a "
                  "test; without --seed it also keys the random values (default: a fresh one)");
  run->add_option("--barrier-timeout", args->barrier_timeout_text,
                  "with --shard: how long a shard waits for the others at InfluxQL, EXEC and the "
                  "end of the script before it fails the run")
      ->capture_default_str();
  run->add_flag("--by-address", args->options.by_address,
                "with several Addresses: per statement, one line per address in the report "
                "(and in the JSON and results rows), so a slow node shows");
  run->add_option("--start-at", args->start_at_text,
                  "wall time (RFC 3339, e.g. 2026-12-01T18:00:00Z) at which the first statement "
                  "starts; with --shard every shard starts then");
}

int check_shard_flags(RunArgs& args) {
  statements::RunOptions& o = args.options;
  if (!args.shard_text.empty()) {
    std::string error;
    if (!generator::parse_shard(args.shard_text, std::getenv("JOB_COMPLETION_INDEX"), &o.shard, &error)) {
      std::cerr << "stressql: --shard: " << error << "\n";
      return 2;
    }
  }
  if (!o.test_id.empty() && !valid_test_id(o.test_id)) {
    std::cerr << "stressql: --test-id: expected 1 to 64 letters, digits, '.', '_' or '-', got '"
              << o.test_id << "'\n";
    return 2;
  }
  const bool offline = o.dry_run || !o.dump_file.empty();
  if (o.shard.sharded() && o.test_id.empty()) {
    std::cerr << "stressql: --shard " << args.shard_text
              << ": every shard of a test needs the same --test-id\n";
    return 2;
  }
  if (o.shard.sharded() && o.results_url == "none" && !offline) {
    std::cerr << "stressql: --shard " << args.shard_text
              << " needs a --results server: the shards meet there (--results none)\n";
    return 2;
  }
  if (!parser::parse_duration(args.barrier_timeout_text, &o.barrier_timeout_ns) ||
      o.barrier_timeout_ns <= 0) {
    std::cerr << "stressql: --barrier-timeout: expected a duration like 5m or 30s, got '"
              << args.barrier_timeout_text << "'\n";
    return 2;
  }
  if (!args.start_at_text.empty()) {
    parser::StartDate at;
    std::string error;
    if (!parser::parse_start_date(args.start_at_text, &at, &error) || at.now) {
      std::cerr << "stressql: --start-at: expected an RFC 3339 time like 2026-12-01T18:00:00Z, got '"
                << args.start_at_text << "'\n";
      return 2;
    }
    o.start_at_unix_ns = at.unix_ns;
  }
  return 0;
}

std::string spool_name(const std::string& test_id, const generator::Shard& shard) {
  return "stressql-results-" + test_id +
         (shard.sharded() ? "-shard" + std::to_string(shard.index) : std::string()) + ".lp";
}

}  // namespace stressql::cli
