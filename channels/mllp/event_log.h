#pragma once
// Structured log lines for the MLLP channel: one JSON object a line, an "event" name such as
// "mllp.connection.opened", the channel and peer, and counters. Never message content: callers
// add only addresses, sizes, counts, reasons and TLS/socket error texts.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace ferry::mllp {

// Receives one JSON object (no trailing newline). Called from connection threads, but never
// concurrently: an EventLog serializes its calls.
using LogSink = std::function<void(std::string_view json_line)>;

// Writes each line to stderr followed by a newline, in one write.
LogSink stderrLogSink();

enum class LogLevel { Info, Warning, Error };

// One event under construction: LogEvent("mllp.connection.closed").field("reason", "idle_timeout").
class LogEvent {
 public:
  explicit LogEvent(std::string_view event, LogLevel level = LogLevel::Info);

  LogEvent& field(std::string_view key, std::string_view value);
  LogEvent& field(std::string_view key, const char* value) { return field(key, std::string_view(value)); }
  LogEvent& field(std::string_view key, const std::string& value) { return field(key, std::string_view(value)); }
  LogEvent& number(std::string_view key, std::uint64_t value);
  LogEvent& flag(std::string_view key, bool value);

  std::string_view event() const { return event_; }
  LogLevel level() const { return level_; }
  const std::string& fields() const { return fields_; }  // ,"k":v pairs, each with a leading comma

 private:
  std::string event_;
  LogLevel level_;
  std::string fields_;
};

// Stamps events with time, level and channel name and hands them to the sink, one at a time.
class EventLog {
 public:
  EventLog(std::string channel, LogSink sink);

  void write(const LogEvent& event) const;
  const std::string& channel() const { return channel_; }
  // Later writes are dropped: the sink's owner may go away (used when a listener has stopped
  // but a detached handler thread is still running).
  void close() const;

 private:
  std::string channel_;
  LogSink sink_;
  std::unique_ptr<std::mutex> mutex_ = std::make_unique<std::mutex>();
  std::unique_ptr<bool> closed_ = std::make_unique<bool>(false);  // guarded by mutex_
};

// Appends s as a JSON string literal (quotes included).
void appendJsonString(std::string& out, std::string_view s);

}  // namespace ferry::mllp
