#pragma once
// Live progress on stderr: on a terminal, one line per running statement redrawn in place;
// otherwise (with --progress) a plain line per running statement every few seconds.

#include <cstdint>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "stats/statement_report.h"
#include "statements/task.h"

namespace stressql::cli {

class Progress {
 public:
  // `plain`: print plain lines (--progress) when `out` is not a terminal.
  Progress(std::ostream& out, bool terminal, bool plain)
      : out_(out), terminal_(terminal), plain_(plain) {}
  // Called by the controller about once a second.
  void tick(const std::vector<statements::Task*>& running);
  // Prints one line (a warning) so that the redrawn lines do not paint over it. Any thread.
  void message(const std::string& line);
  // Called about once a second while results rows are posted after the run.
  void upload(uint64_t rows_posted, uint64_t rows_to_post);
  // Clears the redrawn lines before the report is printed.
  void finish();

 private:
  struct Last {
    int64_t at_ns = 0;
    uint64_t points = 0;
    uint64_t requests = 0;
  };
  void clear_drawn();  // REQUIRES: mu_ held
  std::mutex mu_;       // tick/upload/finish on the control thread, message from any
  std::ostream& out_;
  bool terminal_;
  bool plain_;
  int lines_drawn_ = 0;
  int ticks_ = 0;
  std::map<const stats::StatementReport*, Last> last_;
};

}  // namespace stressql::cli
