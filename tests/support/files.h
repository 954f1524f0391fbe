#pragma once
// Test helpers to read files (the repository's samples among them) and command output.

#include <algorithm>
#include <filesystem>
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

// The regular files of each folder that exists, in the order the folders are given and, within
// one, sorted by path (directory order differs between machines, and a seeded test must read
// the same files in the same order every run); only names ending in `extension` unless it is "".
inline std::vector<std::string> filesIn(const std::vector<std::string>& folders,
                                        const std::string& extension = "") {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& folder : folders) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.is_regular_file() && (extension.empty() || entry.path().extension() == extension)) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) out.push_back(f.string());
  }
  return out;
}

// A file's path and its bytes, e.g. a seed of a mutation test.
struct FileText {
  std::string name;
  std::string text;
};

// The files filesIn() lists, each read whole, in the same order.
inline std::vector<FileText> readFilesIn(const std::vector<std::string>& folders,
                                         const std::string& extension = "") {
  std::vector<FileText> out;
  for (const std::string& f : filesIn(folders, extension)) out.push_back({f, readFile(f)});
  return out;
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
