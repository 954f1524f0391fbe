#pragma once
// Memory figures of this process from /proc/self/status, for the tests and benchmarks that
// bound how much a reader keeps.

#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>

namespace ferry::test {

// A "VmRSS" / "VmHWM" line of /proc/self/status, in bytes; 0 when there is none.
inline std::size_t statusBytes(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream fields(line.substr(field.size() + 1));
      std::size_t kb = 0;
      fields >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

}  // namespace ferry::test
