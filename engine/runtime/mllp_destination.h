#pragma once
// Delivers HL7 v2 over MLLP and reads the peer's acknowledgment: AA/CA means delivered; AE/AR
// (CE/CR) follow the destination's on_negative_ack policy; no ACK in time, or a broken
// connection, is retried — the peer may have the message, so delivery is at least once. An ACK
// whose MSA-2 names another control id than the message's MSH-10 answers another message (a
// peer's late or repeated ACK): retried on a new connection, never taken as this one's.

#include <memory>

#include "channels/mllp/sender.h"
#include "engine/runtime/destination.h"

namespace ferry::runtime {

class MllpDestination : public Destination {
 public:
  MllpDestination(const DestinationConfig& config, const std::string& channel, const LogLine& log);
  DeliveryOutcome deliver(std::int64_t delivery_id, const std::string& payload) override;

 private:
  DestinationConfig config_;
  mllp::Sender sender_;
};

}  // namespace ferry::runtime
