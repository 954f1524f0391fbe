#include "engine/runtime/hl7_intake.h"

#include "parsers/hl7v2/ack_builder.h"
#include "parsers/hl7v2/header.h"

namespace ferry::runtime {

namespace {

bool isRejection(hl7v2::ErrorCode code) {
  // Table 0357 codes that say "this kind of message is not accepted here" rather than "this
  // message's data is wrong": they get AR, data problems AE.
  return code == hl7v2::ErrorCode::UnsupportedMessageType ||
         code == hl7v2::ErrorCode::UnsupportedEventCode ||
         code == hl7v2::ErrorCode::UnsupportedProcessingId ||
         code == hl7v2::ErrorCode::UnsupportedVersionId;
}

}  // namespace

Hl7Intake::Hl7Intake(const ChannelConfig& channel, std::int64_t duplicate_window_ms,
                     store::Store& store, store::GroupCommitter& committer, Processor& processor,
                     EventBus& bus)
    : channel_(channel),
      duplicate_window_ms_(duplicate_window_ms),
      store_(store),
      committer_(committer),
      processor_(processor),
      bus_(bus) {}

std::string Hl7Intake::ackControlId(std::int64_t id) const {
  return "FERRY-" + std::to_string(id);
}

std::string Hl7Intake::receive(std::string bytes) {
  const std::int64_t now = nowMs();
  auto message = hl7v2::Message::parse(bytes);
  if (!message) {
    // Keep what arrived, marked errored, and tell the sender it was rejected.
    store::NewMessage raw;
    raw.channel = channel_.name;
    raw.raw = bytes;
    raw.received_at_ms = now;
    const std::int64_t id = committer_.commit(std::move(raw)).id;
    const std::string why = message.error().describe();
    store_.markErrored(id, why);
    bus_.publish(Event{"rejected", channel_.name, "", id, 0, why, 0});
    hl7v2::AckOptions options;
    options.control_id = ackControlId(id);
    return hl7v2::buildRejectForUnparseable(bytes, message.error(), options);
  }

  hl7v2::HeaderFacts facts;
  (void)hl7v2::checkHeader(*message, facts);
  const std::string control_id = message->controlId();
  // Duplicates are judged per channel: the same message may legitimately pass through two
  // channels (a lab feed and its forward to a stand-in receiver).
  const std::string sender = channel_.name + ":" + message->get("MSH-3.1") + "^" + message->get("MSH-4.1");
  hl7v2::AckOptions options;

  store::NewMessage record;
  record.channel = channel_.name;
  record.control_id = control_id;
  record.sender = sender;
  record.message_type = message->messageCode() + "^" + message->triggerEvent();
  record.received_at_ms = now;
  // The store checks for a duplicate in the transaction that would insert this one, so a
  // repeat sent while the first is still being committed is caught too.
  if (duplicate_window_ms_ > 0) record.duplicate_since_ms = now - duplicate_window_ms_;
  record.raw = std::move(bytes);
  const store::ReceivedId received = committer_.commit(std::move(record));
  const std::int64_t id = received.id;
  if (received.duplicate) {
    bus_.publish(Event{"duplicate", channel_.name, "", id, 0, "repeat of message " + std::to_string(id), 0});
    options.control_id = ackControlId(id);
    options.text = "duplicate of a message already received";
    return hl7v2::buildAck(*message,
                           facts.enhanced_mode ? hl7v2::AcknowledgmentCode::CA : hl7v2::AcknowledgmentCode::AA,
                           {}, options);
  }
  bus_.publish(Event{"received", channel_.name, "", id, 0, "", 0});
  options.control_id = ackControlId(id);

  // Enhanced mode (MSH-15/16 valued) asks for accept acknowledgments: CA/CE/CR instead of
  // AA/AE/AR. The channel's mode alone decides when processing happens, so messages of one feed
  // are processed, and forwarded, in the order they arrived whatever each one asks for.
  const bool enhanced = facts.enhanced_mode;
  if (channel_.ack_mode == "on_commit") {
    processor_.enqueue(id, channel_.name, std::string(message->bytes()));
    return hl7v2::buildAck(*message,
                           enhanced ? hl7v2::AcknowledgmentCode::CA : hl7v2::AcknowledgmentCode::AA,
                           {}, options);
  }
  const ProcessResult result = processor_.process(id, channel_.name, *message);
  if (result.ok) {
    return hl7v2::buildAck(*message,
                           enhanced ? hl7v2::AcknowledgmentCode::CA : hl7v2::AcknowledgmentCode::AA,
                           {}, options);
  }
  std::vector<hl7v2::Error> errors = result.errors;
  if (errors.empty()) {
    // The message parsed but the channel's rules or a destination's format failed it (a code
    // missing from a table, a claim the insurer format cannot carry): an application error
    // the sender should hear about, with the rule's sentence.
    hl7v2::Error e;
    e.code = hl7v2::ErrorCode::ApplicationInternalError;
    e.text = result.error;
    errors.push_back(std::move(e));
  }
  bool rejected = false;
  for (const auto& e : errors) rejected = rejected || isRejection(e.code);
  using Code = hl7v2::AcknowledgmentCode;
  const Code code = rejected ? (enhanced ? Code::CR : Code::AR) : (enhanced ? Code::CE : Code::AE);
  return hl7v2::buildAck(*message, code, errors, options);
}

}  // namespace ferry::runtime
