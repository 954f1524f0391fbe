// Fuzz target: the engine's configuration loader (engine/runtime/config_loader.cpp,
// object_reader.cpp, engine/json/located_json.cpp) as `ferry validate` and `ferry run` call it,
// on a ferry.json and one channel file. It opens no socket and no store: it only reads the
// folder. Every refusal is a ConfigError with a sentence that names its file; nothing throws.
//
// Input: ferry.json, then optionally a NUL byte and channels/fuzz.json. The folder is a temporary
// one of this process, with the sample profiles linked in as profiles/.

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/runtime/config.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace fs = std::filesystem;

// Made on first use, removed when the process ends (libFuzzer returns from main at the end of
// a bounded run, so static destructors run).
struct Folder {
  fs::path path = fs::temp_directory_path() / ("ferry-fuzz-config-" + std::to_string(::getpid()));
  Folder() {
    fs::remove_all(path);
    fs::create_directories(path / "channels");
    fs::create_directory_symlink(ferry::fuzz::sourceDir() + "/samples/profiles", path / "profiles");
  }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

const fs::path& folder() {
  static const Folder made;
  return made.path;
}

void write(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  write(folder() / "ferry.json", input.substr(0, nul));
  const fs::path channel = folder() / "channels" / "fuzz.json";
  if (nul == std::string_view::npos) {
    fs::remove(channel);
  } else {
    write(channel, input.substr(nul + 1));
  }
  const ferry::runtime::ConfigLoad load = ferry::runtime::loadConfig(folder().string());
  for (const ferry::runtime::ConfigError& e : load.errors) {
    ferry::fuzz::check(!e.text.empty(), "a configuration error without a sentence: " + e.describe());
    ferry::fuzz::check(!e.file.empty(), "a configuration error that names no file: " + e.describe());
  }
  return 0;
}
