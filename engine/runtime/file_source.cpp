#include "engine/runtime/file_source.h"

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/splitter.h"

namespace ferry::runtime {

namespace {

file::Poller::Config pollerConfig(const ChannelConfig& c) {
  file::Poller::Config p;
  p.folder = c.source.folder;
  p.pattern = c.source.pattern;
  p.interval = std::chrono::milliseconds(c.source.interval_ms);
  p.min_age = std::chrono::milliseconds(std::min<std::int64_t>(c.source.interval_ms, 1000));
  return p;
}

bool accepted(const std::string& ack) {
  auto m = hl7v2::Message::parse(ack);
  const std::string code = m ? m->get("MSA-1") : std::string();
  return code == "AA" || code == "CA";
}

}  // namespace

FileSource::FileSource(const ChannelConfig& channel, Hl7Intake& intake)
    : intake_(intake), poller_(pollerConfig(channel)) {}

FileSource::~FileSource() { stop(); }

void FileSource::start() {
  thread_ = std::jthread([this](std::stop_token stop) {
    poller_.run([this](const std::string& path, std::string bytes) { return handleFile(path, std::move(bytes)); },
                stop);
  });
}

void FileSource::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

file::Poller::Result FileSource::pollOnce() {
  return poller_.poll([this](const std::string& path, std::string bytes) { return handleFile(path, std::move(bytes)); });
}

bool FileSource::handleFile(const std::string&, std::string bytes) {
  bool all_accepted = true;
  hl7v2::Splitter splitter{std::string_view(bytes)};
  hl7v2::SplitItem item;
  while (splitter.next(item)) {
    if (item.kind == hl7v2::SplitItem::Kind::Envelope) continue;
    if (item.kind == hl7v2::SplitItem::Kind::Error) {
      all_accepted = false;
      if (item.bytes.empty()) continue;
    }
    // Stored (even when rejected) before the file may move on.
    all_accepted = accepted(intake_.receive(std::string(item.bytes))) && all_accepted;
  }
  return all_accepted;
}

}  // namespace ferry::runtime
