#include "tests/support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace stressql::testing {

std::string make_temp_dir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) return "";
  return tmpl;
}

void remove_tree(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

Child::~Child() {
  if (pid_ > 0 && running()) stop(SIGKILL, std::chrono::seconds(5));
  remove_tree(dir_);
}

bool Child::start(const std::vector<std::string>& argv, std::string* error,
                  const std::string& stdin_text, const SpawnOptions& spawn) {
  if (pid_ > 0 && running()) {
    *error = "the previous process is still running";
    return false;
  }
  pid_ = -1;
  exit_code_ = -1;
  remove_tree(dir_);
  dir_ = make_temp_dir("stressql-child");
  if (dir_.empty()) {
    *error = "cannot create a temporary directory";
    return false;
  }
  std::string stdin_path = dir_ + "/stdin";
  write_file(stdin_path, stdin_text);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, (dir_ + "/out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, (dir_ + "/err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // The output files are opened above, by absolute path, before the child changes directory.
  if (!spawn.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, spawn.cwd.c_str());
  // Own process group, so a test's SIGINT goes to the child alone.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // Our environment, with spawn.env's entries replacing those of the same name.
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& extra : spawn.env) replaced |= extra.compare(0, name.size() + 1, name + "=") == 0;
    if (!replaced) env_text.push_back(std::move(entry));
  }
  env_text.insert(env_text.end(), spawn.env.begin(), spawn.env.end());
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  int rc = posix_spawnp(&pid_, args[0], &fa, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    pid_ = -1;
    *error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return false;
  }
  return true;
}

bool Child::running() {
  if (pid_ <= 0 || exit_code_ >= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

void Child::signal(int sig) {
  if (running()) kill(pid_, sig);
}

bool Child::wait(std::chrono::milliseconds limit) {
  if (!running()) return true;
  // glibc 2.36 declares pidfd_open without C linkage; use the raw system call.
  int pfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pfd >= 0) {
    pollfd p{pfd, POLLIN, 0};
    poll(&p, 1, static_cast<int>(limit.count()));
    close(pfd);
  }
  return !running();
}

void Child::stop(int sig, std::chrono::milliseconds limit) {
  signal(sig);
  if (!wait(limit)) {
    signal(SIGKILL);
    wait(std::chrono::seconds(10));
  }
}

std::string Child::out() const { return read_file(dir_ + "/out"); }
std::string Child::err() const { return read_file(dir_ + "/err"); }

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds limit,
                          const std::string& stdin_text, const SpawnOptions& spawn) {
  ProcessResult r;
  Child c;
  std::string error;
  if (!c.start(argv, &error, stdin_text, spawn)) {
    r.err = error;
    return r;
  }
  if (!c.wait(limit)) {
    r.timed_out = true;
    c.stop(SIGKILL, std::chrono::seconds(5));
  }
  r.exit_code = c.exit_code();
  r.out = c.out();
  r.err = c.err();
  return r;
}

}  // namespace stressql::testing
