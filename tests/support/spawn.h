#pragma once
// Starts a program with its stderr appended to a file, for tests and benches that run the real
// `ferry` binary and read its JSON log lines afterwards.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <string>
#include <vector>

extern char** environ;

namespace ferry::test {

// args[0] is the program's path; its pid, or -1 when it cannot be started.
inline pid_t spawnWithStderrTo(std::vector<std::string> args, const std::string& log) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return spawned == 0 ? pid : -1;
}

// Kills a child still running when the scope ends (a failed assertion, an exception), so no
// engine outlives its test on the test's ports and files. Set pid to 0 once it was waited for.
struct ChildReaper {
  pid_t pid;
  ~ChildReaper() {
    if (pid > 0 && ::waitpid(pid, nullptr, WNOHANG) == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

}  // namespace ferry::test
