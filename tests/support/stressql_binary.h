#pragma once
// The stressql binary under test: the path in the STRESSQL_BINARY environment variable,
// which ctest sets for every test to its own preset's build (tests/CMakeLists.txt). It is
// not compiled in: tests/cli's driver is built once, in the release preset, and run against
// the release, asan and tsan builds of stressql in turn. Without the variable, or with one
// that names no executable file, every test that runs the binary fails and says so, rather
// than testing some other build.
//
// Run a test binary by hand with the variable set, e.g.
//   STRESSQL_BINARY=build/release/cli/stressql build/release/tests/cli/cli_tests

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace stressql::testing {

// The path of the stressql binary under test; a failure of the current test when
// STRESSQL_BINARY is unset or names no executable file.
inline std::string stressql_binary() {
  const char* path = std::getenv("STRESSQL_BINARY");
  std::string error;
  if (path == nullptr || *path == '\0') {
    error = "STRESSQL_BINARY is not set: set it to the stressql binary under test, e.g. "
            "STRESSQL_BINARY=build/release/cli/stressql (ctest sets it)";
  } else if (access(path, X_OK) != 0) {
    error = "STRESSQL_BINARY=" + std::string(path) + " is not an executable file";
  }
  // Absolute, so a test that runs it from another directory (a script's, `/`) still finds a
  // relative STRESSQL_BINARY=build/release/cli/stressql.
  if (error.empty()) return std::filesystem::absolute(path).string();
  ADD_FAILURE() << error;
  return "/STRESSQL_BINARY-is-not-set";
}

}  // namespace stressql::testing

// Spelled as the former compile-time definition, so the tests read the same.
#define STRESSQL_BINARY (::stressql::testing::stressql_binary())
