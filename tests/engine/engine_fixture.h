#pragma once
// An engine on 127.0.0.1 with a real SQLite file in a temp folder, and a stand-in MLLP receiver
// that records every frame it gets and answers with a configurable acknowledgment code.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "channels/mllp/listener.h"
#include "channels/mllp/sender.h"
#include "engine/runtime/engine.h"
#include "parsers/hl7v2/ack_builder.h"
#include "parsers/hl7v2/message.h"
#include "tests/support/temp_folder.h"

namespace ferry::test {

// Receives frames like a hospital results system would, answering code (AA by default).
class StandInReceiver {
 public:
  explicit StandInReceiver(std::string code = "AA", int port = 0) : code_(std::move(code)) {
    mllp::ListenerConfig config;
    config.channel = "stand-in";
    config.port = static_cast<std::uint16_t>(port);
    listener_ = std::make_unique<mllp::Listener>(
        config,
        [this](std::string frame, const mllp::Peer&) {
          std::lock_guard lock(mutex_);
          frames_.push_back(frame);
          auto m = hl7v2::Message::parse(frame);
          if (!m) return std::string();
          hl7v2::AckOptions options;
          options.control_id = "R" + std::to_string(frames_.size());
          const auto ack = code_ == "AE"   ? hl7v2::AcknowledgmentCode::AE
                           : code_ == "AR" ? hl7v2::AcknowledgmentCode::AR
                                           : hl7v2::AcknowledgmentCode::AA;
          return hl7v2::buildAck(*m, ack, {}, options);
        },
        [](std::string_view) {});
    listener_->start();
  }
  int port() const { return listener_->port(); }
  void setCode(std::string code) {
    std::lock_guard lock(mutex_);
    code_ = std::move(code);
  }
  std::vector<std::string> frames() {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  // Waits (bounded) until at least n frames arrived.
  bool waitFor(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (frames().size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  void stop() { listener_->stop(); }

 private:
  std::mutex mutex_;
  std::string code_;
  std::vector<std::string> frames_;
  std::unique_ptr<mllp::Listener> listener_;
};

// A loopback port free a moment ago, for a `ferry run` child whose config names its port.
inline int freePort() {
  StandInReceiver probe;
  const int port = probe.port();
  probe.stop();
  return port;
}

inline runtime::EngineConfig labConfig(const TempFolder& dir, int destination_port,
                                       const std::string& ack_mode = "after_parse") {
  runtime::EngineConfig config;
  config.folder = dir.path();
  config.store.path = dir.path() + "/var/ferry.db";
  config.duplicate_window_ms = 3600 * 1000;
  runtime::ChannelConfig lab;
  lab.name = "lab";
  lab.file = "channels/lab.json";
  lab.source.type = "mllp";
  lab.source.port = 0;
  lab.ack_mode = ack_mode;
  runtime::DestinationConfig hospital;
  hospital.name = "hospital";
  hospital.type = "mllp";
  hospital.format = "original";
  hospital.host = "127.0.0.1";
  hospital.port = destination_port;
  hospital.ack_timeout_ms = 2000;
  hospital.retry.initial_backoff_ms = 50;
  hospital.retry.max_backoff_ms = 200;
  hospital.retry.max_attempts = 50;
  lab.destinations.push_back(hospital);
  config.channels.push_back(lab);
  return config;
}

// Sends one message over MLLP and returns the ACK's MSA-1 (empty on failure).
inline std::string sendAndReadMsa1(int port, const std::string& message, std::string* ack = nullptr) {
  mllp::SenderConfig config;
  config.host = "127.0.0.1";
  config.port = static_cast<std::uint16_t>(port);
  mllp::Sender sender(config, [](std::string_view) {});
  const auto result = sender.send(message, std::chrono::seconds(10));
  if (ack != nullptr) *ack = result.response;
  if (result.status != mllp::SendStatus::Acked) return {};
  auto parsed = hl7v2::Message::parse(result.response);
  return parsed ? parsed->get("MSA-1") : std::string();
}

template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds limit = std::chrono::seconds(15)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return predicate();
}

// An engine with one HTTP channel "fhir-in" at /fhir whose messages go, as received, to a file
// destination "archive" (dir/out, one file a message id).
inline runtime::EngineConfig fhirHttpConfig(const TempFolder& dir, std::int64_t max_body_bytes,
                                            const std::string& ack_mode = "after_parse") {
  runtime::EngineConfig config;
  config.folder = dir.path();
  config.store.path = dir.path() + "/var/ferry.db";
  runtime::ChannelConfig in;
  in.name = "fhir-in";
  in.file = "channels/fhir-in.json";
  in.source.type = "http";
  in.source.path = "/fhir";
  in.source.max_body_bytes = max_body_bytes;
  in.ack_mode = ack_mode;
  runtime::DestinationConfig archive;
  archive.name = "archive";
  archive.type = "file";
  archive.format = "original";
  archive.folder = dir.path() + "/out";
  archive.filename = "{id}";
  archive.extension = ".json";
  in.destinations.push_back(archive);
  config.channels.push_back(in);
  return config;
}

// A channel "lab" whose every message goes, as it arrived, to a destination "hospital".
inline runtime::ChannelConfig labToHospital() {
  runtime::ChannelConfig lab;
  lab.name = "lab";
  runtime::DestinationConfig hospital;
  hospital.name = "hospital";
  hospital.format = "original";
  lab.destinations.push_back(hospital);
  return lab;
}

}  // namespace ferry::test
