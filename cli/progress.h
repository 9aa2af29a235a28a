#pragma once
// Live progress on stderr: on a terminal, one line per running statement redrawn in place;
// otherwise (with --progress) a plain line per running statement every few seconds.

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "reporting/statement_report.h"
#include "statements/task.h"

namespace stressql::cli {

class Progress {
 public:
  Progress(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}
  // Called by the controller about once a second.
  void tick(const std::vector<statements::Task*>& running);
  // Clears the redrawn lines before the report is printed.
  void finish();

 private:
  struct Last {
    int64_t at_ns = 0;
    uint64_t points = 0;
    uint64_t requests = 0;
  };
  std::ostream& out_;
  bool terminal_;
  int lines_drawn_ = 0;
  int ticks_ = 0;
  std::map<const reporting::StatementReport*, Last> last_;
};

}  // namespace stressql::cli
