#include "engine/runtime/json_log.h"

#include <chrono>
#include <cstdio>

#include "channels/log_time.h"

namespace ferry::runtime {

namespace {

constexpr std::size_t kFlushBytes = 64 * 1024;
constexpr std::chrono::milliseconds kFlushInterval{100};

}  // namespace

std::string jsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xf];
          out += hex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::optional<LogLevel> parseLogLevel(std::string_view name) {
  if (name == "info") return LogLevel::Info;
  if (name == "warning") return LogLevel::Warning;
  if (name == "error") return LogLevel::Error;
  return std::nullopt;
}

const char* logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "info";
}

LogLevel eventLogLevel(std::string_view type) {
  // A message that failed or could not be stored, and a worker the store refused: errors.
  for (std::string_view error : {"errored", "failed", "dead_lettered", "not_stored", "processor_error", "worker_error"}) {
    if (type == error) return LogLevel::Error;
  }
  // Tried again, or refused at the door; a worker's recovery closes what its error opened.
  for (std::string_view warning : {"retry", "rejected", "processor_retry", "worker_resumed"}) {
    if (type == warning) return LogLevel::Warning;
  }
  return LogLevel::Info;
}

std::string isoTimeUtc(std::int64_t ms) { return channels::logTime(ms); }

std::string logLineStart(LogLevel level, std::string_view event, std::int64_t at_ms) {
  return "{\"time\":\"" + isoTimeUtc(at_ms) + "\",\"level\":\"" + logLevelName(level) + "\",\"event\":\"" +
         jsonEscape(event) + "\"";
}

namespace {

// The level a ready-made line names in its "level" member (channel lines, the event writer's);
// a line without one is written whatever the level.
LogLevel levelOfLine(std::string_view json) {
  constexpr std::string_view key = "\"level\":\"";
  const std::size_t at = json.substr(0, 96).find(key);
  if (at == std::string_view::npos) return LogLevel::Error;
  const std::string_view rest = json.substr(at + key.size());
  return parseLogLevel(rest.substr(0, rest.find('"'))).value_or(LogLevel::Error);
}

}  // namespace

JsonLog::JsonLog(const std::string& path)
    : path_(path), out_(path.empty() ? stderr : std::fopen(path.c_str(), "a")), owned_(!path.empty()) {
  if (out_ == nullptr) {
    out_ = stderr;
    owned_ = false;
  }
  // Lines are gathered in pending_ and written together; unbuffered, each flush is then one
  // write() to a file opened for appending, so when the engine and an operator's command (ferry
  // reprocess) log to the same file, neither splits the other's lines.
  if (owned_) std::setvbuf(out_, nullptr, _IONBF, 0);
  flusher_ = std::thread([this] { runFlusher(); });
}

JsonLog::~JsonLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_one();
  flusher_.join();
  flushLocked();  // the flusher is gone: nothing else touches the buffer
  if (owned_) std::fclose(out_);
}

void JsonLog::reopen() {
  std::string failure;
  {
    std::lock_guard lock(mutex_);
    if (!owned_) return;
    flushLocked();  // what was logged before the signal stays with the file it was meant for
    std::FILE* reopened = std::fopen(path_.c_str(), "a");
    if (reopened == nullptr) {
      failure = "cannot open " + path_ + " again; still writing to the file opened before";
    } else {
      std::setvbuf(reopened, nullptr, _IONBF, 0);
      std::fclose(out_);
      out_ = reopened;
    }
  }
  if (failure.empty()) {
    info("log.reopened");
  } else {
    error("log.reopen_failed", failure);
  }
}

void JsonLog::runFlusher() {
  std::unique_lock lock(mutex_);
  while (!stop_.wait_for(lock, kFlushInterval, [&] { return stopping_; })) {
    flushLocked();
  }
}

void JsonLog::flushLocked() {
  if (pending_.empty()) return;
  std::fwrite(pending_.data(), 1, pending_.size(), out_);
  std::fflush(out_);
  pending_.clear();
}

void JsonLog::write(const std::string& text) {
  std::lock_guard lock(mutex_);
  pending_ += text;
  pending_ += '\n';
  flushLocked();
}

void JsonLog::buffer(const std::string& text) {
  std::lock_guard lock(mutex_);
  pending_ += text;
  pending_ += '\n';
  if (pending_.size() >= kFlushBytes) flushLocked();
}

void JsonLog::event(const Event& e) {
  const LogLevel level = eventLogLevel(e.type);
  if (!enabled(level)) return;  // before any formatting: at "warning" a feed costs nothing here
  std::string s = logLineStart(level, e.type, e.at_ms);
  if (!e.channel.empty()) s += ",\"channel\":\"" + jsonEscape(e.channel) + "\"";
  if (!e.destination.empty()) s += ",\"destination\":\"" + jsonEscape(e.destination) + "\"";
  if (e.message_id != 0) s += ",\"message_id\":" + std::to_string(e.message_id);
  if (e.delivery_id != 0) s += ",\"delivery_id\":" + std::to_string(e.delivery_id);
  if (!e.detail.empty()) s += ",\"detail\":\"" + jsonEscape(e.detail) + "\"";
  buffer(s + "}");
}

void JsonLog::line(std::string_view json) {
  if (enabled(levelOfLine(json))) write(std::string(json));
}

void JsonLog::info(std::string_view event, std::string_view detail) {
  if (!enabled(LogLevel::Info)) return;
  std::string s = logLineStart(LogLevel::Info, event);
  if (!detail.empty()) s += ",\"detail\":\"" + jsonEscape(detail) + "\"";
  write(s + "}");
}

void JsonLog::error(std::string_view event, std::string_view detail) {
  std::string s = logLineStart(LogLevel::Error, event);
  if (!detail.empty()) s += ",\"detail\":\"" + jsonEscape(detail) + "\"";
  write(s + "}");
}

}  // namespace ferry::runtime
