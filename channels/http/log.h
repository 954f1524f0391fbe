#pragma once
// Structured logging for the HTTP channel: one JSON object a line, handed to a sink the engine
// provides (default: stderr). Lines carry routes, statuses, sizes and peers, never bodies or
// query strings, which may hold patient data.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

namespace ferry::http {

// Called from several listener threads at once: a sink must be thread-safe.
using LogSink = std::function<void(std::string_view json_line)>;

// Writes each line with one fwrite to stderr (stdio locks the stream per call).
LogSink stderrLogSink();

// Builds {"time":...,"level":...,"event":"<component>.<event>", more fields...}; level is "info",
// "warning" or "error", as the engine's log (and its `log_level` filter) names them.
class LogLine {
 public:
  LogLine(std::string_view level, std::string_view component, std::string_view event);

  LogLine& field(std::string_view key, std::string_view value);
  LogLine& field(std::string_view key, const char* value) { return field(key, std::string_view(value)); }
  LogLine& field(std::string_view key, bool value);
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  LogLine& field(std::string_view key, T value) {
    return number(key, static_cast<std::int64_t>(value));
  }

  std::string str() const { return text_ + "}"; }
  void emit(const LogSink& sink) const;

 private:
  LogLine& number(std::string_view key, std::int64_t value);
  void key(std::string_view k);
  std::string text_;
};

void appendJsonString(std::string& out, std::string_view value);

}  // namespace ferry::http
