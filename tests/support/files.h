#pragma once
// Test helpers to read the repository's sample files.

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ferry::test {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string sample(const std::string& relative) {
  return readFile(std::string(FERRY_SOURCE_DIR) + "/samples/" + relative);
}

}  // namespace ferry::test
