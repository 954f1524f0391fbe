#include "channels/http/log.h"

#include <cstdio>

#include "channels/log_time.h"

namespace ferry::http {

void appendJsonString(std::string& out, std::string_view value) {
  out += '"';
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

LogSink stderrLogSink() {
  return [](std::string_view line) {
    std::string text(line);
    text += '\n';
    std::fwrite(text.data(), 1, text.size(), stderr);
  };
}

LogLine::LogLine(std::string_view level, std::string_view component, std::string_view event) {
  // The engine's schema: time, level, then the event named as the MLLP channel names its own
  // ("http.listener.started" as "mllp.listener.started").
  text_ = "{\"time\":";
  appendJsonString(text_, channels::logTimeNow());
  field("level", level);
  field("event", std::string(component) + "." + std::string(event));
}

void LogLine::key(std::string_view k) {
  text_ += ',';
  appendJsonString(text_, k);
  text_ += ':';
}

LogLine& LogLine::field(std::string_view k, std::string_view value) {
  key(k);
  appendJsonString(text_, value);
  return *this;
}

LogLine& LogLine::number(std::string_view k, std::int64_t value) {
  key(k);
  text_ += std::to_string(value);
  return *this;
}

LogLine& LogLine::field(std::string_view k, bool value) {
  key(k);
  text_ += value ? "true" : "false";
  return *this;
}

void LogLine::emit(const LogSink& sink) const {
  if (sink) sink(str());
}

}  // namespace ferry::http
