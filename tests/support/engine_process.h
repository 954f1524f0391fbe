#pragma once
// Runs the real `ferry run CONFIG` as a child process, its stderr (and so its JSON log lines,
// unless ferry.json names a log_file) appended to a file, until it has logged engine.started or
// exited, or until a condition of the test holds; then SIGTERM. For tests of what a start does
// to the store and the log.

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/spawn.h"

namespace ferry::test {

// How often `what` occurs in the file at `path` (0 when it cannot be read).
inline std::size_t countIn(const std::string& path, const std::string& what) {
  std::string text;
  try {
    text = readFile(path);
  } catch (const std::exception&) {
    return 0;
  }
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// Starts `ferry run config` with its stderr appended to `log`; its pid, or -1.
inline pid_t spawnFerryRun(const std::string& config, const std::string& log) {
  return spawnWithStderrTo({FERRY_BINARY, "run", config}, log);
}

// `ferry run config` until `done()` holds (checked every 20 ms, at most 30 s) or it exits,
// then SIGTERM; its exit status (-1 when it could not be spawned, did not exit normally, or
// exited by itself before `done`).
inline int runEngineUntil(const std::string& config, const std::string& log, const std::function<bool()>& done) {
  const pid_t pid = spawnFerryRun(config, log);
  if (pid <= 0) return -1;
  int status = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (done()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGTERM);
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// `ferry run config` until it has logged engine.started (at most 30 s) or exited, then SIGTERM;
// its exit status.
inline int runEngineOnce(const std::string& config, const std::string& log) {
  const std::size_t starts = countIn(log, "engine.started");
  return runEngineUntil(config, log, [&] { return countIn(log, "engine.started") > starts; });
}

}  // namespace ferry::test
