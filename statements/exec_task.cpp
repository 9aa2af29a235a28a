// EXEC: /bin/sh -c in the script's directory; exit status and duration reported.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string_view>
#include <vector>

#include "statements/task.h"

extern char** environ;

namespace stressql::statements {
namespace {

// The environment of an EXEC child: ours without the secrets stressql reads from it (the
// load's token and password, the results server's). A script's command has no business
// with them, and a child's environment is readable wherever it writes it.
std::vector<char*> child_environment() {
  static constexpr std::string_view kSecret[] = {"STRESSQL_TOKEN=", "STRESSQL_PASSWORD="};
  static constexpr std::string_view kResults = "STRESSQL_RESULTS_";
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    bool secret = entry.substr(0, kResults.size()) == kResults;
    for (std::string_view s : kSecret) secret = secret || entry.substr(0, s.size()) == s;
    if (!secret) env.push_back(*e);
  }
  env.push_back(nullptr);
  return env;
}

class ExecTask : public Task {
 public:
  ExecTask(stats::StatementReport* r, const parser::ExecStmt& s) : Task(r), stmt_(s) {}
  ~ExecTask() override {
    if (pid_ > 0 && !finished_) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void start(TaskContext& ctx, const parser::Settings&, uint64_t, int64_t now_ns) override {
    started_ns_ = now_ns;
    report_->ran = true;
    report_->start_unix_ns = base::unix_ns();
    if (ctx.offline) {  // --dump / --dry-run run nothing outside the tool
      report_->ran = false;
      report_->error = "not run (--dump/--dry-run)";
      finished_ = true;
      return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addchdir_np(&fa, ctx.script->directory.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group, so Ctrl-C handling can stop the whole command tree.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    const char* argv[] = {"/bin/sh", "-c", stmt_.command.c_str(), nullptr};
    std::vector<char*> env = child_environment();
    int rc = posix_spawn(&pid_, "/bin/sh", &fa, &attr, const_cast<char**>(argv), env.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
      pid_ = -1;
      finish(now_ns, std::string("cannot start /bin/sh: ") + std::strerror(rc));
    }
  }

  bool poll(TaskContext&, int64_t now_ns) override {
    if (finished_) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      if (WIFEXITED(status)) {
        report_->exit_status = WEXITSTATUS(status);
        finish(now_ns, report_->exit_status == 0 ? "" : "exit status " + std::to_string(report_->exit_status));
      } else {
        finish(now_ns, std::string("killed by signal ") + strsignal(WTERMSIG(status)));
      }
    }
    return finished_;
  }

  void cancel(TaskContext&) override {
    if (!finished_ && pid_ > 0) kill(-pid_, SIGTERM);
  }

 private:
  void finish(int64_t now_ns, const std::string& error) {
    finished_ = true;
    report_->duration_ns = now_ns - started_ns_;
    if (!error.empty()) {
      report_->ok = false;
      report_->error = error;
    }
  }

  const parser::ExecStmt& stmt_;
  pid_t pid_ = -1;
  int64_t started_ns_ = 0;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<Task> make_exec_task(stats::StatementReport* r, const parser::ExecStmt& s) {
  return std::make_unique<ExecTask>(r, s);
}

}  // namespace stressql::statements
