#pragma once
// Child processes for tests: run a command to completion with a time limit, or keep one
// in the background (a server) and stop it. Output goes to files so a chatty child never
// blocks on a full pipe.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace stressql::testing {

struct ProcessResult {
  int exit_code = -1;   // exit status, or 128 + signal
  bool timed_out = false;
  std::string out;      // stdout
  std::string err;      // stderr
};

// Where and with what a child runs, beyond its arguments. Empty: inherit.
struct SpawnOptions {
  std::string cwd;               // working directory
  std::vector<std::string> env;  // extra "NAME=value" entries, added to (or replacing) ours
};

// Runs argv[0] (searched in PATH) with `argv`; kills it (SIGKILL) after `limit`.
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds limit,
                          const std::string& stdin_text = "", const SpawnOptions& spawn = {});

// A process running in the background. Destruction kills it (SIGKILL) if still running.
class Child {
 public:
  Child() = default;
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Starts argv (searched in PATH) in its own process group, stdin from `stdin_text`,
  // stdout/stderr to files in a fresh temporary directory.
  bool start(const std::vector<std::string>& argv, std::string* error,
             const std::string& stdin_text = "", const SpawnOptions& spawn = {});
  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Waits for exit up to `limit`; returns false on time-out (the child keeps running).
  bool wait(std::chrono::milliseconds limit);
  // Sends `sig`, waits up to `limit`, then SIGKILL.
  void stop(int sig, std::chrono::milliseconds limit);
  int exit_code() const { return exit_code_; }
  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string dir_;
};

// A fresh directory under $TMPDIR (or /tmp); removed by remove_tree().
std::string make_temp_dir(const std::string& prefix);
void remove_tree(const std::string& dir);
// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

}  // namespace stressql::testing
