// stressql: a load generator for InfluxDB. The entry point; the command line is
// cli/command_line.cpp.
#include "cli/command_line.h"

int main(int argc, char** argv) { return stressql::cli::run_command_line(argc, argv); }
