#include "engine/runtime/hl7_intake.h"

#include <stdexcept>

#include "parsers/hl7v2/ack_builder.h"
#include "parsers/hl7v2/batch_ack.h"
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
      bus_(bus),
      honour_accept_ack_(channel.source.type == "mllp" && channel.source.accept_acks == "as_requested") {}

std::string Hl7Intake::ackControlId(std::int64_t id) const {
  return "FERRY-" + std::to_string(id);
}

std::string Hl7Intake::receive(std::string bytes) {
  if (hl7v2::isBatch(bytes)) {
    auto answer = receiveBatch(std::move(bytes));
    if (!answer) throw std::runtime_error("the batch could not be stored");  // no answer: resent
    return std::move(*answer);
  }
  Arrival arrival = arrive(std::move(bytes), nowMs());
  store::ReceivedId received;
  try {
    received = committer_.commit(std::move(arrival.record));
  } catch (...) {
    reportNotStored(std::current_exception(), 1);
    throw;  // no ACK: the sender sends it again
  }
  return acknowledge(arrival, received);
}

void Hl7Intake::reportNotStored(const std::exception_ptr& error, std::size_t count) {
  // The listener's own line leaves the exception out (it may quote a message); the store's
  // sentence names the database and SQLite's reason, never a message's content.
  std::string why = "store unavailable";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    why += std::string(": ") + e.what();
  } catch (...) {
  }
  bus_.publish(Event{"not_stored", channel_.name, "", 0, 0,
                     std::to_string(count) + " message(s) not acknowledged, " + why, 0});
}

std::vector<std::optional<std::string>> Hl7Intake::receiveAll(std::vector<std::string> frames) {
  // A batch is committed in a transaction of its own and answered with a batch; the messages
  // around it share one, as before.
  std::vector<std::size_t> batches;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (hl7v2::isBatch(frames[i])) batches.push_back(i);
  }
  if (batches.empty()) return receiveMessages(std::move(frames));
  std::vector<std::optional<std::string>> answers(frames.size());
  std::vector<std::string> messages;
  std::vector<std::size_t> message_at;
  for (std::size_t i = 0, b = 0; i < frames.size(); ++i) {
    if (b < batches.size() && batches[b] == i) {
      ++b;
      continue;
    }
    messages.push_back(std::move(frames[i]));
    message_at.push_back(i);
  }
  auto message_answers = receiveMessages(std::move(messages));
  for (std::size_t k = 0; k < message_at.size(); ++k) answers[message_at[k]] = std::move(message_answers[k]);
  for (const std::size_t i : batches) {
    try {
      answers[i] = receiveBatch(std::move(frames[i]));
    } catch (const std::exception&) {
      // Not answered: the sender sends the batch again, and what was stored is a duplicate.
    }
  }
  return answers;
}

std::vector<std::optional<std::string>> Hl7Intake::receiveMessages(std::vector<std::string> frames) {
  if (frames.empty()) return {};  // an empty batch: nothing to commit
  const std::int64_t now = nowMs();
  std::vector<Arrival> arrivals;
  arrivals.reserve(frames.size());
  std::vector<store::NewMessage> records;
  records.reserve(frames.size());
  for (std::string& frame : frames) {
    arrivals.push_back(arrive(std::move(frame), now));
    records.push_back(std::move(arrivals.back().record));
  }
  const auto committed = committer_.commitAll(std::move(records));
  std::vector<std::optional<std::string>> acks(arrivals.size());
  std::exception_ptr first_error;
  std::size_t not_stored = 0;
  for (const auto& c : committed) {
    if (!c.error) continue;
    if (!first_error) first_error = c.error;
    ++not_stored;
  }
  if (first_error) reportNotStored(first_error, not_stored);  // one line for the batch
  // Those an after_parse channel processes now are processed together, in their order, after
  // the others are answered.
  std::vector<std::size_t> to_process;
  std::vector<Processor::Inline> inline_messages;
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    if (committed[i].error) continue;  // not stored: no ACK
    try {
      acks[i] = acknowledgeUnprocessed(arrivals[i], committed[i].id);
      if (acks[i]) continue;
      to_process.push_back(i);
      inline_messages.push_back({committed[i].id.id, &channel_.name, &*arrivals[i].message});
    } catch (const std::exception&) {
      // Stored but not acknowledged, as when receive() throws: the resent copy is a duplicate.
    }
  }
  if (to_process.empty()) return acks;
  std::vector<ProcessResult> results;
  std::string refused;
  try {
    results = processor_.processAll(inline_messages);
  } catch (const std::exception& e) {
    refused = e.what();
  }
  for (std::size_t k = 0; k < to_process.size(); ++k) {
    const std::size_t i = to_process[k];
    try {
      acks[i] = results.empty() ? acknowledgeQueued(arrivals[i], committed[i].id.id, refused)
                                : acknowledgeProcessed(arrivals[i], committed[i].id.id, results[k]);
    } catch (const std::exception&) {
      // Stored (and processed or queued) but not acknowledged: the resent copy is a duplicate.
    }
  }
  return acks;
}

Hl7Intake::Arrival Hl7Intake::arrive(std::string bytes, std::int64_t now_ms) const {
  Arrival a;
  a.record.channel = channel_.name;
  a.record.received_at_ms = now_ms;
  auto message = hl7v2::Message::parse(bytes);
  if (!message) {
    // Kept as received, without the fields a duplicate check needs: marked errored after the commit.
    a.parse_error = message.error();
    a.record.raw = bytes;
    a.unparsed = std::move(bytes);
    return a;
  }
  a.message = std::move(*message);
  (void)hl7v2::checkHeader(*a.message, a.facts);
  // Duplicates are judged per channel: the same message may legitimately pass through two
  // channels (a lab feed and its forward to a stand-in receiver).
  a.record.control_id = a.message->controlId();
  a.record.sender = channel_.name + ":" + a.message->get("MSH-3.1") + "^" + a.message->get("MSH-4.1");
  // As text of the message's character set widened to UTF-8, like every canonical value: the
  // store's rows are read back into JSON (ferry messages, the admin API).
  a.record.message_type = hl7v2::toUtf8(
      a.message->messageCode() + "^" + hl7v2::triggerEvent(*a.message, a.facts.version), a.facts.charset);
  // The store checks for a duplicate in the transaction that would insert this one, so a
  // repeat sent while the first is still being committed is caught too.
  if (duplicate_window_ms_ > 0) a.record.duplicate_since_ms = now_ms - duplicate_window_ms_;
  a.record.raw = std::move(bytes);
  return a;
}

hl7v2::AckOptions Hl7Intake::ackOptions(std::int64_t id) const {
  hl7v2::AckOptions options;
  options.control_id = ackControlId(id);
  return options;
}

std::string Hl7Intake::acknowledge(Arrival& a, const store::ReceivedId& received) {
  if (auto ack = acknowledgeUnprocessed(a, received)) return std::move(*ack);
  try {
    return acknowledgeProcessed(a, received.id, processor_.process(received.id, channel_.name, *a.message));
  } catch (const std::exception& e) {
    return acknowledgeQueued(a, received.id, e.what());
  }
}

std::optional<std::string> Hl7Intake::acknowledgeUnprocessed(Arrival& a, const store::ReceivedId& received) {
  const std::int64_t id = received.id;
  hl7v2::AckOptions options = ackOptions(id);
  if (!a.message) {
    // Keep what arrived, marked errored, and tell the sender it was rejected.
    const std::string why = a.parse_error.describe();
    store_.markErrored(id, why);
    bus_.publish(Event{"rejected", channel_.name, "", id, 0, why, 0});
    return hl7v2::buildRejectForUnparseable(a.unparsed, a.parse_error, options);
  }
  const hl7v2::Message& message = *a.message;
  if (received.duplicate) {
    bus_.publish(Event{"duplicate", channel_.name, "", id, 0, "repeat of message " + std::to_string(id), 0});
    options.text = "duplicate of a message already received";
    return answer(a, id, Outcome::Accepted, {}, options);
  }
  bus_.publish(Event{"received", channel_.name, "", id, 0, "", 0});

  // The channel's mode alone decides when processing happens, so messages of one feed are
  // processed, and forwarded, in the order they arrived whatever each one asks for.
  if (channel_.ack_mode == "on_commit") {
    processor_.enqueue(id, channel_.name, std::string(message.bytes()));
    return answer(a, id, Outcome::Accepted, {}, options);
  }
  return std::nullopt;  // after_parse: the ACK says what processing found
}

std::string Hl7Intake::acknowledgeQueued(Arrival& a, std::int64_t id, const std::string& why) {
  // Durable, but its outcome could not be recorded (the store refuses writes): the queue
  // tries again once it takes them, and the sender hears what on_commit would have said
  // (as the HTTP intake's 202), rather than get no ACK and resend a message already kept.
  bus_.publish(Event{"processor_error", channel_.name, "", id, 0, why, 0});
  processor_.enqueue(id, channel_.name);
  hl7v2::AckOptions options = ackOptions(id);
  options.text = "stored; processing is queued";
  return answer(a, id, Outcome::Accepted, {}, options);
}

std::string Hl7Intake::acknowledgeProcessed(Arrival& a, std::int64_t id, const ProcessResult& result) {
  const hl7v2::AckOptions options = ackOptions(id);
  if (result.ok) return answer(a, id, Outcome::Accepted, {}, options);
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
  return answer(a, id, rejected ? Outcome::Rejected : Outcome::Error, errors, options);
}

std::string Hl7Intake::answer(const Arrival& a, std::int64_t id, Outcome outcome,
                              const std::vector<hl7v2::Error>& errors, const hl7v2::AckOptions& options) {
  // Enhanced mode (MSH-15/16 valued) asks for accept acknowledgments: CA/CE/CR instead of
  // AA/AE/AR.
  using Code = hl7v2::AcknowledgmentCode;
  const bool enhanced = a.facts.enhanced_mode;
  const Code code = outcome == Outcome::Accepted ? (enhanced ? Code::CA : Code::AA)
                    : outcome == Outcome::Error  ? (enhanced ? Code::CE : Code::AE)
                                                 : (enhanced ? Code::CR : Code::AR);
  if (honour_accept_ack_ && !hl7v2::acceptAckRequested(*a.message, code)) {
    // The sender asked for no ACK in this case: none is written back (an empty answer), and the
    // message's trail says so. The message is stored and processed all the same.
    bus_.publish(Event{std::string(store::event_type::kAckWithheld), channel_.name, "", id, 0,
                       std::string(hl7v2::toString(code)) + " not sent: MSH-15 is " + a.message->get("MSH-15"), 0});
    return {};
  }
  return hl7v2::buildAck(*a.message, code, errors, options);
}

}  // namespace ferry::runtime
