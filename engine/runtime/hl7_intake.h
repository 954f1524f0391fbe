#pragma once
// What happens to one HL7 v2 message between its arrival and its acknowledgment. The raw bytes
// are committed to the store (group commit) before any ACK is built: an acknowledged message is
// never lost. Then, per channel: ACK on commit (AA) with processing queued, or ACK after parsing
// (AA, AE with ERR for a data problem, AR for an unsupported type or version); a message in
// enhanced mode (MSH-15/16) gets the accept codes CA/CE/CR instead, and, when the MLLP source
// says so (accept_acks "as_requested"), only in the cases its MSH-15 asks for. Unparseable bytes
// are stored as errored and answered with AR; a repeat of the same sender and MSH-10 within the
// duplicate window is acknowledged but not processed again.

#include <atomic>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "parsers/hl7v2/ack_builder.h"
#include "parsers/hl7v2/header.h"
#include "parsers/hl7v2/message.h"

#include "engine/runtime/config.h"
#include "engine/runtime/event_bus.h"
#include "engine/runtime/processor.h"
#include "engine/store/group_committer.h"
#include "engine/store/store.h"

namespace ferry::runtime {

class Hl7Intake {
 public:
  Hl7Intake(const ChannelConfig& channel, std::int64_t duplicate_window_ms, store::Store& store,
            store::GroupCommitter& committer, Processor& processor, EventBus& bus);

  // Returns the acknowledgment to send back for one received message; empty when an MLLP
  // source's `accept_acks` is "as_requested" and the message's MSH-15 asks for none (NE, ER on
  // success, SU on error): then nothing is written back.
  std::string receive(std::string bytes);

  // The same for several messages at once (an MLLP event loop's batch): they are committed in one
  // transaction, so they share one durable commit, then acknowledged in their order. An entry is
  // left empty when its message could not be committed or acknowledged: send nothing back for it
  // (its sender sends it again).
  std::vector<std::optional<std::string>> receiveAll(std::vector<std::string> frames);

  // A batch received in one piece (an MLLP frame that starts with FHS or BHS): its messages are
  // split out (trailer counts checked), committed together and processed as if each had come
  // alone, and the answer is a response batch holding their ACKs (hl7v2/batch_ack.h); a
  // problem of the batch itself is BTS-2. nullopt when the messages could not be stored.
  std::optional<std::string> receiveBatch(std::string bytes);

 private:
  // receiveAll for frames that each hold one message.
  std::vector<std::optional<std::string>> receiveMessages(std::vector<std::string> frames);
  // One message between its arrival and its acknowledgment.
  struct Arrival {
    std::optional<hl7v2::Message> message;  // empty: the bytes did not parse
    hl7v2::Error parse_error;
    std::string unparsed;                   // the bytes, when they did not parse (for the AR)
    hl7v2::HeaderFacts facts;
    store::NewMessage record;               // what is committed
  };

  // Parses the bytes and builds the row to commit.
  Arrival arrive(std::string bytes, std::int64_t now_ms) const;
  // After the commit: the events, the processing (queued or done now) and the ACK.
  std::string acknowledge(Arrival& arrival, const store::ReceivedId& received);
  // Its stages. The ACK of a message that needs no processing now (unparseable, a duplicate,
  // an on_commit channel's), or nullopt for one an after_parse channel processes first.
  std::optional<std::string> acknowledgeUnprocessed(Arrival& arrival, const store::ReceivedId& received);
  // The ACK of what processing found (AA, or AE/AR with the errors).
  std::string acknowledgeProcessed(Arrival& arrival, std::int64_t id, const ProcessResult& result);
  // The ACK of a stored message whose outcome the store refused: queued for the processor.
  std::string acknowledgeQueued(Arrival& arrival, std::int64_t id, const std::string& why);
  enum class Outcome { Accepted, Error, Rejected };
  // The ACK of a parsed message: AA/AE/AR, or CA/CE/CR in enhanced mode; empty when the
  // sender's MSH-15 asks for none and the channel honours it.
  std::string answer(const Arrival& arrival, std::int64_t id, Outcome outcome,
                     const std::vector<hl7v2::Error>& errors, const hl7v2::AckOptions& options);
  hl7v2::AckOptions ackOptions(std::int64_t id) const;
  // Logs (through the bus) why `count` messages could not be stored and get no ACK.
  void reportNotStored(const std::exception_ptr& error, std::size_t count);
  std::string ackControlId(std::int64_t id) const;

  const ChannelConfig& channel_;
  const std::int64_t duplicate_window_ms_;
  store::Store& store_;
  store::GroupCommitter& committer_;
  Processor& processor_;
  EventBus& bus_;
  const bool honour_accept_ack_;  // an MLLP source with accept_acks "as_requested"
  std::atomic<std::uint64_t> batches_answered_{0};  // for the response batches' control ids
};

}  // namespace ferry::runtime
