// fuzz_replay: runs every fuzz harness over every file of its corpus (tests/fuzz/corpus/<target>/),
// without libFuzzer, in the normal test build (ctest fuzz_replay). A harness stops the process on
// a broken invariant and the sanitizer build stops it on a bad read, so a fixed crasher that
// comes back fails the test run; each file is named first so that the failing one is known.
//
//   fuzz_replay                      every target's corpus (run from the project folder)
//   fuzz_replay TARGET FILE...       the given files through one target (a new crash file)

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#define FERRY_FUZZ_ENTRY(name) extern "C" int ferryFuzz_##name(const std::uint8_t*, std::size_t);
FERRY_FUZZ_ENTRY(hl7v2_message)
FERRY_FUZZ_ENTRY(hl7v2_splitter)
FERRY_FUZZ_ENTRY(hl7v2_path)
FERRY_FUZZ_ENTRY(fhir_read)
FERRY_FUZZ_ENTRY(xml_read)
FERRY_FUZZ_ENTRY(mllp_frames)
FERRY_FUZZ_ENTRY(mapping_expression)
FERRY_FUZZ_ENTRY(mapping_rules)
FERRY_FUZZ_ENTRY(config_load)

namespace {

namespace fs = std::filesystem;

struct Target {
  std::string_view name;
  int (*entry)(const std::uint8_t*, std::size_t);
};

#define FERRY_FUZZ_TARGET(name) Target{#name, ferryFuzz_##name}
const Target kTargets[] = {
    FERRY_FUZZ_TARGET(hl7v2_message), FERRY_FUZZ_TARGET(hl7v2_splitter), FERRY_FUZZ_TARGET(hl7v2_path),
    FERRY_FUZZ_TARGET(fhir_read),     FERRY_FUZZ_TARGET(xml_read),       FERRY_FUZZ_TARGET(mllp_frames),
    FERRY_FUZZ_TARGET(mapping_expression), FERRY_FUZZ_TARGET(mapping_rules), FERRY_FUZZ_TARGET(config_load)};

const Target* find(std::string_view name) {
  for (const Target& t : kTargets) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

void run(const Target& target, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  // Named before the run: a trap or a sanitizer report ends the process without a word of ours.
  std::fprintf(stderr, "%s %s\n", std::string(target.name).c_str(), file.string().c_str());
  target.entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2) {
    const Target* target = find(argv[1]);
    if (target == nullptr) {
      std::fprintf(stderr, "fuzz_replay: no target named %s\n", argv[1]);
      return 2;
    }
    for (int i = 2; i < argc; ++i) run(*target, argv[i]);
    return 0;
  }
  const fs::path corpus = fs::path(FERRY_SOURCE_DIR) / "tests" / "fuzz" / "corpus";
  std::size_t files = 0;
  for (const Target& target : kTargets) {
    const fs::path folder = corpus / target.name;
    if (!fs::is_directory(folder)) {
      std::fprintf(stderr, "fuzz_replay: %s is missing: every target keeps a few seeds\n", folder.string().c_str());
      return 1;
    }
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.is_regular_file()) paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const fs::path& path : paths) run(target, path);
    files += paths.size();
  }
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.is_directory() && find(entry.path().filename().string()) == nullptr) {
      std::fprintf(stderr, "fuzz_replay: %s has no harness in replay_main.cpp\n", entry.path().string().c_str());
      return 1;
    }
  }
  std::printf("fuzz_replay: %zu files through %zu targets, no invariant broken\n", files, std::size(kTargets));
  return 0;
}
