#pragma once
// The time at the start of every JSON log line, engine's and channels' alike:
// 2026-11-27T19:45:46.653Z (UTC, milliseconds), so a log pipeline reads one format.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace ferry::channels {

inline std::string logTime(std::int64_t ms_since_epoch) {
  const auto seconds = static_cast<std::time_t>(ms_since_epoch / 1000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms_since_epoch % 1000));
  return text;
}

inline std::string logTimeNow() {
  using namespace std::chrono;
  return logTime(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace ferry::channels
