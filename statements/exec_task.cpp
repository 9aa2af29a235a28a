// EXEC: /bin/sh -c in the script's directory; exit status and duration reported.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "statements/task.h"

extern char** environ;

namespace stressql::statements {
namespace {

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
    int rc = posix_spawn(&pid_, "/bin/sh", &fa, &attr, const_cast<char**>(argv), environ);
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
