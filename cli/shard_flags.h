#pragma once
// The flags of several load machines (SPEC §6.5): --shard, --test-id, --barrier-timeout,
// --start-at. Kept apart from run_command.cpp, which has flags enough.

#include "cli/run_flags.h"

// Only the .cpp files that define flags include <CLI/CLI.hpp>: it costs seconds per file.
namespace CLI {
class App;
}  // namespace CLI

namespace stressql::cli {

// Whether `run --test-id` accepts the ID: 1 to 64 letters, digits, '.', '_' or '-' (it is a
// tag value in _stressTest and part of a file name). `compare` accepts the same.
bool valid_test_id(const std::string& id);

// Adds the flags to `run`, writing into *args.
void add_shard_flags(CLI::App* run, RunArgs* args);

// Validates them into args->options (JOB_COMPLETION_INDEX for --shard auto/N). 0 when
// they are fine, else 2 after a message on stderr naming what was expected.
int check_shard_flags(RunArgs& args);

// The local file of results rows: stressql-results-<test_id>[-shard<I>].lp, so shards of a
// test that share a working directory do not share a file.
std::string spool_name(const std::string& test_id, const generator::Shard& shard);

}  // namespace stressql::cli
