#pragma once
// Runs a command line in a shell and captures its stdout, stderr and exit status.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "tests/support/files.h"

namespace ferry::test {

struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline RunResult run(const std::string& command) {
  static int counter = 0;
  const std::string err_path = "/tmp/ferry_test_stderr_" + std::to_string(::getpid()) + "_" +
                               std::to_string(counter++);
  RunResult result;
  FILE* pipe = ::popen((command + " 2>" + err_path).c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.out.append(buf.data(), n);
  const int raw = ::pclose(pipe);
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.err = readFile(err_path);
  std::remove(err_path.c_str());
  return result;
}

inline std::string ferryCommand(const std::string& args) {
  return std::string(FERRY_BINARY) + " " + args;
}

}  // namespace ferry::test
