#pragma once
// Helpers for end-to-end tests that run the real stressql binary against a real influxd.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/support/influx_server.h"
#include "tests/support/process.h"
#include "tests/support/stressql_binary.h"

namespace stressql::testing {

// The source tree (examples, docs, schemas), compiled in as STRESSQL_SOURCE_DIR.
inline const std::string kSource = STRESSQL_SOURCE_DIR;

// A temporary directory holding a script; removed at destruction.
class ScriptDir {
 public:
  ScriptDir() : dir_(make_temp_dir("stressql-script")) {}
  ~ScriptDir() { remove_tree(dir_); }
  // Writes `text` as `name` in the directory; returns its path.
  std::string write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    write_file(path, text);
    return path;
  }
  const std::string& path() const { return dir_; }

 private:
  std::string dir_;
};

// A test with a real influxd of its own, started before each test, and a script directory.
class InfluxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = InfluxServer::start(&error);
    ASSERT_TRUE(server_) << error;
  }
  std::unique_ptr<InfluxServer> server_;
  ScriptDir dir_;
};

// Runs `stressql ARGS...` with a time limit.
inline ProcessResult stressql(std::vector<std::string> args,
                              std::chrono::milliseconds limit = std::chrono::seconds(120)) {
  args.insert(args.begin(), STRESSQL_BINARY);
  return run_process(args, limit);
}

// Which sanitizer STRESSQL_BINARY was built with, if any ("asan", "tsan" or "").
inline std::string binary_sanitizer() {
  std::ifstream in(STRESSQL_BINARY, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.find("libtsan.so") != std::string::npos || bytes.find("__tsan_init") != std::string::npos) return "tsan";
  if (bytes.find("libasan.so") != std::string::npos || bytes.find("__asan_init") != std::string::npos) return "asan";
  return "";
}

// Whether STRESSQL_BINARY is an asan or tsan build: they reserve terabytes of address space
// (no memory limit can be set on them) and add shadow memory to RSS.
inline bool sanitized_binary() { return !binary_sanitizer().empty(); }
// Whether STRESSQL_BINARY is the tsan build.
inline bool tsan_binary() { return binary_sanitizer() == "tsan"; }

// The value column of the first report line that starts with `label` (indent included),
// or "".
inline std::string report_value(const std::string& report, const std::string& label) {
  size_t at = report.compare(0, label.size(), label) == 0 ? 0 : report.find("\n" + label);
  if (at == std::string::npos) return "";
  if (at != 0) ++at;
  size_t eol = report.find('\n', at);
  std::string line = report.substr(at, eol - at);
  size_t value = line.find_first_not_of(' ', label.size());
  return value == std::string::npos ? "" : line.substr(value);
}

// What jsonschema (python3-jsonschema) says of the JSON report at `path` against the
// published report/report.schema.json; "" when it is valid.
inline std::string schema_errors(const std::string& path) {
  ProcessResult valid = run_process(
      {"python3", "-c",
       "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), "
       "json.load(open(sys.argv[2])))",
       path, std::string(STRESSQL_SOURCE_DIR) + "/report/report.schema.json"},
      std::chrono::seconds(60));
  return valid.exit_code == 0 ? "" : valid.err + " (exit " + std::to_string(valid.exit_code) + ")";
}

// Checks the JSON report at `path` against the schema and returns it.
inline nlohmann::json validated_report(const std::string& path) {
  EXPECT_EQ(schema_errors(path), "");
  return nlohmann::json::parse(read_file(path));
}

}  // namespace stressql::testing
