// stressql: a load generator for InfluxDB. Command-line entry point.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/check_command.h"
#include "statements/version.h"

int main(int argc, char** argv) {
  CLI::App app{"stressql: a load generator for InfluxDB that runs stress v2 (.iql) scripts"};
  app.set_version_flag("--version", std::string("stressql ") + stressql::version());
  app.require_subcommand(1);

  std::string check_file;
  CLI::App* check = app.add_subcommand("check", "Parse a script and print a summary; contacts no server");
  check->add_option("FILE", check_file, "script to check")->required();

  CLI11_PARSE(app, argc, argv);

  if (*check) return stressql::cli::run_check(check_file, std::cout, std::cerr);
  return 2;
}
