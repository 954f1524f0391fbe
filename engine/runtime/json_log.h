#pragma once
// Structured log: one JSON object a line, with message ids and channel names only. Patient data
// never reaches the log; it stays in the message store.
//
// Every line starts the same way, whoever wrote it (the engine, a channel, the event writer):
// {"time":"2026-11-27T19:45:46.653Z","level":"info|warning|error","event":"...", ...}, so a log
// pipeline reads one schema. Lines below the configured level (`log_level`) are not written:
// at "warning" a healthy feed logs nothing a message, while its events stay in the store.
//
// Message events (several per message) are buffered and written by a background thread every
// 100 ms, or sooner once 64 KB are waiting: a write and flush per event cost a system call each
// on the path of every message. The store keeps the same events durably, so a crash loses at
// most the last 100 ms of log lines, never the record. Engine life-cycle lines (info, error,
// channel lines) are written at once, with everything buffered before them.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "engine/runtime/event_bus.h"

namespace ferry::runtime {

enum class LogLevel { Info, Warning, Error };

// "info", "warning" or "error"; nullopt for anything else.
std::optional<LogLevel> parseLogLevel(std::string_view name);
const char* logLevelName(LogLevel level);
// The level of an event's line: a message errored, failed, dead-lettered or not stored, and the
// processor's or a delivery worker's store errors are errors; retries, rejections and a worker's
// recovery warnings; the rest (received, parsed, routed, sent, delivered, ...) information.
LogLevel eventLogLevel(std::string_view type);
// 2026-11-27T19:45:46.653Z for a time in milliseconds since the epoch.
std::string isoTimeUtc(std::int64_t ms);
// {"time":"...","level":"...","event":"..." — a line's start; the caller adds fields and '}'.
std::string logLineStart(LogLevel level, std::string_view event, std::int64_t at_ms = nowMs());

class JsonLog {
 public:
  // Appends to path, or writes to stderr when path is empty.
  explicit JsonLog(const std::string& path = {});
  ~JsonLog();  // writes what is buffered
  JsonLog(const JsonLog&) = delete;
  JsonLog& operator=(const JsonLog&) = delete;

  void event(const Event& e);
  // A line that is already JSON (from a channel's log callback).
  void line(std::string_view json);
  // {"level":..., "event":..., "detail":...} for engine life-cycle messages.
  void info(std::string_view event, std::string_view detail = {});
  void error(std::string_view event, std::string_view detail = {});
  // Writes what is buffered, then opens the log file again by its name (SIGHUP: after logrotate
  // renamed it, lines go to the new file instead of the renamed one). Nothing for stderr; if the
  // file cannot be opened, the old one is kept and the failure is logged there.
  void reopen();
  // Lines below `level` are dropped from now on (default: Info, everything is written).
  void setLevel(LogLevel level) { minimum_ = level; }
  bool enabled(LogLevel level) const { return level >= minimum_.load(std::memory_order_relaxed); }

 private:
  void write(const std::string& text);     // at once
  void buffer(const std::string& text);    // by the flusher, or when the buffer is full
  void flushLocked();
  void runFlusher();

  std::mutex mutex_;
  std::condition_variable stop_;
  std::string pending_;
  bool stopping_ = false;
  const std::string path_;  // empty: stderr
  std::FILE* out_;
  bool owned_;
  std::thread flusher_;
  std::atomic<LogLevel> minimum_{LogLevel::Info};
};

// JSON string escaping for hand-built log lines.
std::string jsonEscape(std::string_view text);

}  // namespace ferry::runtime
