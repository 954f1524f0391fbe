#pragma once
// Figures of a process from /proc/PID/status (this process by default), for the tests and
// benchmarks that bound how much a reader keeps, and the soak that watches the engine's process.

#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>

namespace ferry::test {

// The number on a line of /proc/PID/status ("VmRSS", "VmHWM" in kB, "Threads" a count); -1 when
// there is no such line (or no such process).
inline long statusNumber(const std::string& field, const std::string& pid = "self") {
  std::ifstream in("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream fields(line.substr(field.size() + 1));
      long value = -1;
      fields >> value;
      return value;
    }
  }
  return -1;
}

// A "VmRSS" / "VmHWM" line of /proc/self/status, in bytes; 0 when there is none.
inline std::size_t statusBytes(const std::string& field) {
  const long kb = statusNumber(field);
  return kb < 0 ? 0 : static_cast<std::size_t>(kb) * 1024;
}

}  // namespace ferry::test
