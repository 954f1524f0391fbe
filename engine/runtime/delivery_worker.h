#pragma once
// One durable queue per destination, drained by one thread: claims the due deliveries from the
// store, sends them one after another, and records the outcomes (delivered, retry later with
// backoff, failed, or dead-lettered after the last attempt). One thread keeps the
// destination's order (FIFO); a retry holds the queue (head-of-line) unless the destination is
// configured unordered. An unordered destination may have several workers on one queue (its
// `connections`), each with its own connection: a claim is a store transaction that marks the
// deliveries in flight, so no two workers ever hold the same delivery.
//
// Why batches: every store write waits its turn on the store's single writer, behind the group
// commits of received messages (each an fsync). Claiming and settling one delivery at a time
// cost two such waits per message and capped a destination at a few hundred messages a second.
// A worker now claims up to max_batch due deliveries in one call and records their outcomes in
// one transaction (Store::settleDeliveries). Sending stays one message at a time, in order (an
// MLLP peer answers each message with its own ACK). When a FIFO delivery is scheduled for a
// retry, the rest of the batch is not sent: it is released in the same transaction and stays
// pending behind it. The transaction that settles a batch also claims what came due meanwhile
// (Store::settleAndClaim): under load each wait for the writer took milliseconds, and with two a
// batch the worker spent ~40 % of its time not sending (engine_bench, 64 senders).
//
// Settling once per batch would mean that a crash (kill -9) in the middle of a batch re-sends,
// after the restart, everything the batch had sent. So each outcome is also noted as soon as
// the peer answers (Store::noteSettlement: no transaction, survives a killed process), and
// recovery settles what was noted: a crash re-sends at most the delivery on the wire, as when
// every delivery had its own transactions.
//
// When the store refuses a batch's settlements (a full disk, an I/O error), the worker keeps
// them and records them again, with a growing pause, before it claims or sends anything else:
// the deliveries were sent, so they must not be sent again, and a FIFO queue cannot move on
// while they are in flight. Once the store takes writes again the queue resumes by itself.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/runtime/config.h"
#include "engine/runtime/destination.h"
#include "engine/runtime/event_bus.h"
#include "engine/runtime/retry_policy.h"
#include "engine/store/store.h"

namespace ferry::runtime {

class DeliveryWorker {
 public:
  static constexpr std::size_t kDefaultMaxBatch = 64;

  // `queue` is the destination's name in the store: "<channel>/<destination>". `max_batch`
  // bounds the deliveries claimed (and settled) per store call.
  DeliveryWorker(std::string queue, std::string channel, DestinationConfig config,
                 std::unique_ptr<Destination> destination, store::Store& store, EventBus& bus,
                 std::size_t max_batch = kDefaultMaxBatch);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void start();
  // Finishes the delivery in progress (bounded by the destination's timeouts), hands the rest
  // of its batch back to the queue, then returns.
  void stop();
  // New work was routed here: look now instead of at the next poll.
  void wake();
  void pause();
  void resume();
  bool paused() const { return paused_; }
  const std::string& queue() const { return queue_; }

 private:
  // One sent delivery's outcome, waiting for its batch's transaction, and the event that
  // announces it once recorded.
  struct Attempt {
    store::DeliverySettlement settlement;
    const store::DeliveryRecord* delivery = nullptr;
    const char* event = "";
    std::string detail;
  };

  void run();
  // Claims, sends and settles one batch. Returns false when nothing was due.
  bool deliverBatch();
  // Sends one delivery, decides its settlement and notes it. Throws only when the payload
  // cannot be read from the store (nothing was sent then).
  Attempt attempt(const store::DeliveryRecord& d);
  std::string payloadOf(const store::DeliveryRecord& d);
  // What the destination's answer means for the store: delivered, failed, a retry with backoff,
  // or dead after the last attempt.
  Attempt settlementFor(const store::DeliveryRecord& d, const DeliveryOutcome& outcome);
  // A FIFO delivery waiting for its retry: what follows it in the batch must wait too.
  bool holdsQueue(const Attempt& a) const;
  bool interrupted() const { return stopping_ || paused_; }
  // Settles the attempts and releases the unsent deliveries in one transaction, then publishes.
  // With `claim_next` (nothing unsent, not interrupted) the same transaction claims the next
  // batch into next_.
  void record(const std::vector<Attempt>& attempts, const std::vector<std::int64_t>& unsent,
              bool claim_next);
  // Hands back the deliveries claimed for the next batch (on a stop or pause).
  void releaseNext();
  store::ClaimOrder claimOrder() const;
  void publish(const char* type, const store::DeliveryRecord& d, std::string detail = {});
  // Records the settlements a refused transaction left behind (if any); throws while the store
  // still refuses them.
  void recordUnrecorded();

  // A batch whose transaction the store refused: recorded again before anything else.
  struct Unrecorded {
    std::vector<store::DeliverySettlement> settlements;
    std::vector<std::int64_t> unsent;
    std::vector<Event> events;  // announced once recorded
  };

  const std::string queue_;
  const std::string channel_;
  const DestinationConfig config_;
  std::unique_ptr<Destination> destination_;
  store::Store& store_;
  EventBus& bus_;
  Backoff backoff_;
  const std::size_t max_batch_;

  // Claimed with the last batch's settlements, to be sent next; in flight in the store. Only
  // the worker's thread touches it.
  std::vector<store::DeliveryRecord> next_;
  std::optional<Unrecorded> unrecorded_;  // the worker's thread only

  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> paused_{false};
  std::thread thread_;
};

}  // namespace ferry::runtime
