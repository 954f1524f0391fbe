#pragma once
// Test helpers to read files (the repository's samples among them) and command output.

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ferry::test {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The lines of `text`, each without its '\n'; a last line without one is left out (command
// output always ends its lines).
inline std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The repository's sample configuration and its HL7 v2 messages, each ending in '/'.
inline const std::string kSamplesDir = std::string(FERRY_SOURCE_DIR) + "/samples/";
inline const std::string kHl7v2SamplesDir = kSamplesDir + "hl7v2/";

inline std::string sample(const std::string& relative) {
  return readFile(std::string(FERRY_SOURCE_DIR) + "/samples/" + relative);
}

}  // namespace ferry::test
