#include "channels/http/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace ferry::http {

namespace {

std::string utcNow() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

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
  text_ = "{\"ts\":";
  appendJsonString(text_, utcNow());
  field("level", level);
  field("component", component);
  field("event", event);
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
