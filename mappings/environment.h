#pragma once
// What a mapping may ask of the world outside the message: the current time and fresh UUIDs.
// Rules never read a clock or a random device themselves, so that offline tests (`ferry test`)
// can pin both and get the same output bytes on every run, and so that nothing in a rule can
// reach the file system or the network.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace ferry::mappings {

struct Environment {
  // Both must be callable from several threads at once (one Mapping serves many workers).
  std::function<std::chrono::system_clock::time_point()> now;
  std::function<std::string()> uuid;  // lowercase "8-4-4-4-12" text

  // The system clock and random version-4 UUIDs (OpenSSL's RAND_bytes).
  static Environment system();
  // A clock that always says iso_now ("2026-11-20T13:30:15Z", an offset such as "-05:00" is
  // accepted) and a UUID sequence derived from uuid_seed: the same seed gives the same UUIDs in
  // the same order. Throws std::invalid_argument for an iso_now that is not a date-time with
  // seconds and a zone: this is set-up, not message traffic.
  static Environment fixed(std::string iso_now, std::uint64_t uuid_seed);
};

}  // namespace ferry::mappings
