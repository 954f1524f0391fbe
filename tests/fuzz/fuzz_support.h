#pragma once
// Shared by the fuzz harnesses (docs/fuzzing.md). A broken invariant stops the run with
// __builtin_trap() so that libFuzzer keeps the input as a crash, and the replay test
// (replay_main.cpp) fails on it the same way. The sentence printed says which invariant broke;
// some quote the input they broke on, which is a made-up fuzz input, never a message received.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace ferry::fuzz {

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz invariant failed: %s\n", what.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

inline void check(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

// The repository, for the sample tables and profiles the harnesses load once.
inline std::string sourceDir() { return FERRY_SOURCE_DIR; }

// Takes bytes off the front of a fuzz input as small numbers (chunk sizes, limits), so that one
// input file fixes both the data and the way it is fed.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t take() {
    if (size_ == 0) return 0;
    --size_;
    return *data_++;
  }
  std::string_view rest() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
};

}  // namespace ferry::fuzz
