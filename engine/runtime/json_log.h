#pragma once
// Structured log: one JSON object a line, with message ids and channel names only. Patient data
// never reaches the log; it stays in the message store.

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/runtime/event_bus.h"

namespace ferry::runtime {

class JsonLog {
 public:
  // Appends to path, or writes to stderr when path is empty.
  explicit JsonLog(const std::string& path = {});
  ~JsonLog();
  JsonLog(const JsonLog&) = delete;
  JsonLog& operator=(const JsonLog&) = delete;

  void event(const Event& e);
  // A line that is already JSON (from a channel's log callback).
  void line(std::string_view json);
  // {"level":..., "event":..., "detail":...} for engine life-cycle messages.
  void info(std::string_view event, std::string_view detail = {});
  void error(std::string_view event, std::string_view detail = {});

 private:
  void write(const std::string& text);
  std::mutex mutex_;
  std::FILE* out_;
  bool owned_;
};

// JSON string escaping for hand-built log lines.
std::string jsonEscape(std::string_view text);

}  // namespace ferry::runtime
