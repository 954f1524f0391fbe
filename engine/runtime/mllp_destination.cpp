#include "engine/runtime/mllp_destination.h"

#include "parsers/hl7v2/ack_builder.h"
#include "parsers/hl7v2/message.h"

namespace ferry::runtime {

namespace {

mllp::SenderConfig senderConfig(const DestinationConfig& d, const std::string& channel) {
  mllp::SenderConfig c;
  c.channel = channel + "/" + d.name;
  c.host = d.host;
  c.port = static_cast<std::uint16_t>(d.port);
  // The delivery worker's backoff (the destination's `retry`) decides when to try again. The
  // sender's own reconnect backoff would otherwise hold each later attempt back by up to 5 s
  // of its own, past the configured max_backoff_ms, while the retry event said otherwise.
  c.connect_attempts = 1;
  c.backoff_max = std::chrono::milliseconds(0);
  c.tls.enabled = d.tls.enabled;
  c.tls.cert_file = d.tls.cert_file;
  c.tls.key_file = d.tls.key_file;
  c.tls.ca_file = d.tls.ca_file;
  return c;
}

// Empty when the ACK's MSA-2 names the message sent (its MSH-10), or names nothing (a peer that
// leaves MSA-2 empty answers the exchange it is in), or when what was sent has no MSH-10 to
// compare (a payload in another format); else why the ACK is not this message's.
std::string ackedAnother(const std::string& control_id, const std::string& acked_id) {
  if (acked_id.empty() || control_id.empty() || acked_id == control_id) return {};
  return "the peer's ACK is for control id '" + acked_id + "', not this message's '" + control_id + "'";
}

}  // namespace

MllpDestination::MllpDestination(const DestinationConfig& config, const std::string& channel,
                                 const LogLine& log)
    : config_(config), sender_(senderConfig(config, channel), log) {}

DeliveryOutcome MllpDestination::deliver(std::int64_t, const std::string& payload) {
  DeliveryOutcome outcome;
  // Read once: for what it asks its receiver to answer (table 0155, when this peer honours it)
  // and for the control id its ACK must name.
  const auto message = hl7v2::Message::parse(payload);
  const hl7v2::AcceptAckConditions asks = message && config_.accept_acks == "as_requested"
                                              ? hl7v2::acceptAckConditions(*message)
                                              : hl7v2::AcceptAckConditions{};
  if (!asks.on_success && !asks.on_error) {
    const mllp::SendResult written = sender_.sendWithoutResponse(payload);
    outcome.kind = written.status == mllp::SendStatus::Written ? DeliveryOutcome::Kind::Delivered
                                                               : DeliveryOutcome::Kind::Retry;
    if (written.status != mllp::SendStatus::Written) outcome.error = "connection_error: " + written.error;
    return outcome;
  }
  const bool silence_answers = !asks.on_success || !asks.on_error;
  const mllp::SendResult sent =
      sender_.send(payload, std::chrono::milliseconds(config_.ack_timeout_ms), silence_answers);
  if (silence_answers && sent.status == mllp::SendStatus::Timeout) {
    if (!asks.on_success) {
      outcome.kind = DeliveryOutcome::Kind::Delivered;  // an ACK only on error: none is success
      return outcome;
    }
    outcome.error = "no ACK within " + std::to_string(config_.ack_timeout_ms) + " ms, and MSH-15 " +
                    message->get("MSH-15") + " asks for one on success";
    outcome.kind = config_.on_negative_ack == "fail" ? DeliveryOutcome::Kind::Fail : DeliveryOutcome::Kind::Retry;
    return outcome;
  }
  if (sent.status != mllp::SendStatus::Acked) {
    outcome.kind = DeliveryOutcome::Kind::Retry;
    outcome.error = std::string(mllp::toString(sent.status)) + ": " + sent.error;
    return outcome;
  }
  outcome.response = sent.response;
  auto ack = hl7v2::Message::parse(sent.response);
  const std::string code = ack ? ack->get("MSA-1") : std::string();
  if (const std::string mismatch = ackedAnother(message ? message->controlId() : std::string(),
                                                  ack ? ack->get("MSA-2") : std::string()); !mismatch.empty()) {
    // An answer to another message (a peer that sends late or repeated ACKs) says nothing about
    // this one: tried again on a new connection, since this one's ACKs are out of step.
    sender_.close();
    outcome.kind = DeliveryOutcome::Kind::Retry;
    outcome.error = mismatch;
    return outcome;
  }
  if (code == "AA" || code == "CA") {
    outcome.kind = DeliveryOutcome::Kind::Delivered;
    return outcome;
  }
  outcome.error = code.empty() ? "the peer's response is not an HL7 ACK with MSA-1"
                               : "the peer answered " + code;
  outcome.kind = config_.on_negative_ack == "fail" ? DeliveryOutcome::Kind::Fail
                                                   : DeliveryOutcome::Kind::Retry;
  return outcome;
}

}  // namespace ferry::runtime
