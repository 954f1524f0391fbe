#pragma once
// The wall clock in Unix milliseconds, as the store records times.

#include <chrono>
#include <cstdint>

namespace ferry::test {

inline std::int64_t nowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace ferry::test
