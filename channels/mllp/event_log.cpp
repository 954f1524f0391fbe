#include "channels/mllp/event_log.h"

#include <cstdio>
#include <utility>

#include "channels/log_time.h"

namespace ferry::mllp {

namespace {

const char* levelName(LogLevel level) {
  switch (level) {
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "info";
}

}  // namespace

void appendJsonString(std::string& out, std::string_view s) {
  static const char* const kHex = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

LogSink stderrLogSink() {
  return [](std::string_view line) {
    std::string out(line);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stderr);
  };
}

LogEvent::LogEvent(std::string_view event, LogLevel level) : event_(event), level_(level) {}

LogEvent& LogEvent::field(std::string_view key, std::string_view value) {
  fields_ += ',';
  appendJsonString(fields_, key);
  fields_ += ':';
  appendJsonString(fields_, value);
  return *this;
}

LogEvent& LogEvent::number(std::string_view key, std::uint64_t value) {
  fields_ += ',';
  appendJsonString(fields_, key);
  fields_ += ':';
  fields_ += std::to_string(value);
  return *this;
}

LogEvent& LogEvent::flag(std::string_view key, bool value) {
  fields_ += ',';
  appendJsonString(fields_, key);
  fields_ += value ? ":true" : ":false";
  return *this;
}

EventLog::EventLog(std::string channel, LogSink sink)
    : channel_(std::move(channel)), sink_(sink ? std::move(sink) : stderrLogSink()) {}

void EventLog::write(const LogEvent& event) const {
  std::string line = "{\"time\":\"" + channels::logTimeNow() + "\",\"level\":\"" + levelName(event.level()) +
                     "\",\"event\":";
  appendJsonString(line, event.event());
  line += ",\"channel\":";
  appendJsonString(line, channel_);
  line += event.fields();
  line += '}';
  std::lock_guard<std::mutex> lock(*mutex_);
  if (*closed_) return;
  try {
    sink_(line);
  } catch (...) {
    // A failing log sink must not take a connection down with it.
  }
}

void EventLog::close() const {
  std::lock_guard<std::mutex> lock(*mutex_);
  *closed_ = true;
}

}  // namespace ferry::mllp
