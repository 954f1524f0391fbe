#pragma once
// Turns a stored raw message into its canonical form and its deliveries: decode (HL7 v2, FHIR or
// XML, inbound_decoder.h), map and route (message_router.h), and record the outcome in the
// store. Runs inline (ACK after parse: one message, one transaction) or on
// its own thread from a queue (ACK on commit, and restart recovery of messages received but not
// processed before a crash).
//
// Why the queue is drained in batches: every store write is serialized on the store's single
// writer, behind the group commits of received messages (each an fsync). One transaction per
// processed message capped processing at a few hundred messages a second; the queue thread
// instead takes everything queued (up to max_batch), processes it in memory and records all
// outcomes in one transaction (Store::recordProcessed). Events are still published per message,
// after the transaction that recorded it.
//
// When the store refuses a batch (a full disk, an I/O error), the batch goes back to the front
// of the queue and is tried again after a growing pause, so processing resumes by itself, in
// order, once the store takes writes again; messages arriving meanwhile wait behind it. A batch
// refused three times is recorded one message at a time, and a message refused ten times while
// others were recorded is marked errored (for `ferry reprocess`) instead of holding the queue.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/runtime/config.h"
#include "engine/runtime/event_bus.h"
#include "engine/runtime/inbound_decoder.h"
#include "engine/runtime/message_router.h"
#include "engine/store/store.h"
#include "parsers/hl7v2/error.h"
#include "parsers/hl7v2/message.h"

namespace ferry::runtime {

struct ProcessResult {
  bool ok = false;        // processed (routed) or filtered; false: stored as errored
  bool filtered = false;  // a mapping filter dropped it (not an error)
  InboundFormat format = InboundFormat::Unknown;
  std::vector<hl7v2::Error> errors;  // HL7 v2 input: why it was stored as errored
  std::string error;                 // any input: why it was stored as errored, or filter reason
  std::string operation_outcome;     // FHIR OperationOutcome for the problems, when errored
};

class Processor {
 public:
  static constexpr std::size_t kDefaultMaxBatch = 128;
  static constexpr std::size_t kDefaultMaxQueuedBytes = 64u << 20;
  // Pauses before a batch the store refused as a whole is tried again: doubled each time.
  static constexpr std::chrono::milliseconds kFirstRetryPause{250};
  static constexpr std::chrono::milliseconds kMaxRetryPause{5000};
  // Refusals of a batch before its messages are recorded one at a time, and of one message
  // (while others are recorded) before it is marked errored instead.
  static constexpr int kIsolateAfter = 3;
  static constexpr int kGiveUpAfter = 10;

  // `routed` is called with each destination queue that received work. `max_batch` bounds how
  // many queued messages share one store transaction. `max_queued_bytes` bounds the raw bytes
  // the queue holds in memory: when processing falls behind the intake (a burst, a slow disk),
  // further messages are queued by id alone and read back from the store when their turn comes,
  // so a backlog costs disk, which holds them anyway, not memory. `first_retry_pause` is the
  // first pause after the store refused a batch (tests shorten it).
  // decoder and router must outlive the processor.
  Processor(store::Store& store, EventBus& bus, const InboundDecoder& decoder,
            const MessageRouter& router, std::function<void(const std::string& queue)> routed,
            std::size_t max_batch = kDefaultMaxBatch,
            std::size_t max_queued_bytes = kDefaultMaxQueuedBytes,
            std::chrono::milliseconds first_retry_pause = kFirstRetryPause);
  ~Processor();
  Processor(const Processor&) = delete;
  Processor& operator=(const Processor&) = delete;

  // Inline processing, one transaction per message. Throws StoreError when the outcome could
  // not be recorded (the message stays 'received' and is processed again at the next start).
  ProcessResult process(std::int64_t id, const std::string& channel, const hl7v2::Message& message);
  ProcessResult process(std::int64_t id, const std::string& channel, const std::string& raw);
  // Inline processing of several stored messages (an MLLP event loop's batch) in one
  // transaction, in their order: a transaction each cost the loop a turn on the store's writer
  // per message, which halved an after_parse channel's throughput. Throws StoreError as above
  // (then none of them is recorded).
  struct Inline {
    std::int64_t id = 0;
    const std::string* channel = nullptr;
    const hl7v2::Message* message = nullptr;
  };
  std::vector<ProcessResult> processAll(const std::vector<Inline>& messages);

  void start();
  void enqueue(std::int64_t id, const std::string& channel);
  // With the raw bytes the intake has just committed: the queue thread then decides from them
  // instead of reading the message back from the store (a read per message on a pooled
  // connection, whose page cache every commit in between invalidates).
  void enqueue(std::int64_t id, const std::string& channel, std::string raw);
  // Queues every message left in 'received' state (by a crash or a stop before processing).
  std::size_t recover();
  // Processes what is queued, then stops the thread.
  void stop();
  std::size_t queued() const;
  // Raw bytes held by the queue now (at most max_queued_bytes).
  std::size_t queuedBytes() const;

 private:
  struct Queued {
    std::int64_t id = 0;
    std::string channel;
    std::optional<std::string> raw;  // as committed; read from the store when absent
    int attempts = 0;                // times the store refused it so far
  };
  // What processing decided for one message: the row to record and what to announce once it
  // is recorded.
  struct Decision {
    store::ProcessedMessage outcome;
    std::string channel;
    InboundFormat format = InboundFormat::Unknown;
    std::vector<hl7v2::Error> errors;  // Errored HL7 v2: why
    std::string operation_outcome;     // Errored: the problems as an OperationOutcome
    // For events: the mapping and routes, or what failed, never a value from the message.
    std::string detail;
    std::size_t warnings = 0;
    std::vector<std::string> queues;   // Processed: the destination queues routed to
    std::vector<std::string> links;    // Processed: earlier messages it answers, for events
    bool refused = false;              // the store refused to record it (an exception)
  };

  // Parse (from raw bytes), normalize, route: everything but the store write.
  Decision decide(std::int64_t id, const std::string& channel, const std::string& raw) const;
  Decision decide(std::int64_t id, const std::string& channel,
                  const hl7v2::Message& message) const;
  Decision decide(std::int64_t id, const std::string& channel, std::string_view raw,
                  Decoded decoded, const hl7v2::Message* parsed) const;
  // The channel's store_canonical for a message routed (or filtered, or errored) this way.
  bool keepsCanonical(const std::string& channel, RouteDecision::Kind kind) const;
  // Claim and submission ids, recorded so that a remittance finds its claim's message.
  static std::vector<store::MessageKey> businessKeys(const canonical::Message& message);
  // "claim X of message N" for each claim response whose claim arrived earlier.
  std::vector<std::string> linksOf(const canonical::Message& message, std::int64_t id) const;

  // Records one decision in its own transaction and announces it; store failures propagate.
  ProcessResult recordOne(Decision decision);
  // The same for several decisions, in one transaction.
  std::vector<ProcessResult> recordInline(const std::vector<Decision>& decisions);
  static ProcessResult resultOf(const Decision& decision);

  void run();
  // Blocks until work is queued; empty once stopping with nothing left.
  std::vector<Queued> takeBatch();
  // Decides and records a batch; returns what the store refused, to be tried again.
  std::vector<Queued> processBatch(std::vector<Queued>& batch);
  // Reads a queued message and adds its decision; adds nothing when there is nothing to do
  // (already processed, gone). False when it could not be read.
  bool decideQueued(const Queued& queued, std::vector<Decision>& decisions);
  // Records the decisions in one transaction; per decision, whether it was applied. A refused
  // transaction marks them all `refused`.
  std::vector<bool> recordTogether(std::vector<Decision>& decisions);
  // One transaction each, so only a message the store cannot take stays behind.
  std::vector<bool> recordOneByOne(std::vector<Decision>& decisions);
  // Marks a message the store keeps refusing as errored; false when that is refused too.
  bool giveUp(const Queued& queued);
  // Events for one recorded decision; adds the queues to wake to `queues`.
  void announce(const Decision& decision, std::set<std::string>& queues);
  void wake(const std::set<std::string>& queues);

  store::Store& store_;
  EventBus& bus_;
  const InboundDecoder& decoder_;
  const MessageRouter& router_;
  const std::function<void(const std::string&)> routed_;
  const std::size_t max_batch_;
  const std::size_t max_queued_bytes_;
  const std::chrono::milliseconds first_retry_pause_;  // doubled up to kMaxRetryPause

  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::deque<Queued> queue_;
  std::size_t queued_bytes_ = 0;  // sum of the raw sizes in queue_
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ferry::runtime
