#pragma once
// The durable store: raw messages as received, the deliveries they were routed to, and the
// events of both. Ferry acknowledges a message only after the store has committed it, so every
// write returns only once its transaction is durable on disk. Implementations: sqlite/ (one node,
// the default) and, later, postgres/ (several nodes). Every method may be called from several
// threads at once.
//
// Errors: business outcomes are return values (nullopt for "not found", false for "not in a
// state that allows this"). StoreError is thrown for broken configuration (the file cannot be
// opened, an applied migration was edited) and when the database itself fails (disk full, I/O
// error, locked by another process past the busy timeout): a write that throws did not commit,
// so the caller must not acknowledge the message.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::store {

class StoreError : public std::runtime_error {
 public:
  StoreError(std::string location, const std::string& sentence)
      : std::runtime_error(sentence), location_(std::move(location)) {}
  // The database file (or connection string) the error is about.
  const std::string& location() const { return location_; }

 private:
  std::string location_;
};

enum class Direction { Inbound, Outbound };
// received: raw bytes committed, not yet parsed (re-processed after a restart).
// processed: parsed and routed (its deliveries exist). errored: could not be parsed or mapped.
// filtered: a rule decided it goes nowhere.
enum class MessageStatus { Received, Processed, Errored, Filtered };
// pending: waiting for next_attempt_at. in_flight: claimed by a worker (being sent).
// delivered: the peer accepted it. failed: the peer rejected it for good (e.g. HL7 AR), final.
// dead: gave up after retries (dead letter); an operator may requeue failed and dead ones.
enum class DeliveryStatus { Pending, InFlight, Delivered, Failed, Dead };

std::string_view toString(Direction direction);
std::string_view toString(MessageStatus status);
std::string_view toString(DeliveryStatus status);
std::optional<Direction> parseDirection(std::string_view text);
std::optional<MessageStatus> parseMessageStatus(std::string_view text);
std::optional<DeliveryStatus> parseDeliveryStatus(std::string_view text);

// Event types are an open set (subscribers may add their own); these are the engine's.
namespace event_type {
inline constexpr std::string_view kReceived = "received";
inline constexpr std::string_view kParsed = "parsed";
inline constexpr std::string_view kErrored = "errored";
inline constexpr std::string_view kFiltered = "filtered";
inline constexpr std::string_view kRouted = "routed";
inline constexpr std::string_view kSent = "sent";
inline constexpr std::string_view kDelivered = "delivered";
inline constexpr std::string_view kRetry = "retry";
inline constexpr std::string_view kFailed = "failed";
inline constexpr std::string_view kDeadLettered = "dead_lettered";
inline constexpr std::string_view kDuplicate = "duplicate";
inline constexpr std::string_view kAckWithheld = "ack_withheld";  // MSH-15 asked for no accept ACK
inline constexpr std::string_view kRequeued = "requeued";
inline constexpr std::string_view kReprocess = "reprocess";
inline constexpr std::string_view kPaused = "paused";
inline constexpr std::string_view kResumed = "resumed";
}  // namespace event_type

struct NewMessage {
  std::string channel;
  std::string raw;            // the bytes exactly as received (any bytes, including \0)
  std::string control_id;     // MSH-10, or the source format's equivalent
  std::string sender;         // e.g. "MSH-3^MSH-4"; with control_id the duplicate key
  std::string message_type;   // e.g. "ORU^R01"
  std::int64_t received_at_ms = 0;
  Direction direction = Direction::Inbound;
  // When set (and control_id is not empty), the message is stored only if no message from the
  // same sender with the same control id was received at or after this time. The check runs in
  // the transaction that inserts, so two copies arriving at once (a sender retrying on a second
  // connection) cannot both be stored and processed.
  std::optional<std::int64_t> duplicate_since_ms;
};

// What committing a received message did: stored it as `id`, or found it a duplicate
// (NewMessage::duplicate_since_ms) of the earlier message `id` and stored nothing.
struct ReceivedId {
  std::int64_t id = 0;
  bool duplicate = false;

  bool operator==(const ReceivedId&) const = default;
};

struct MessageRecord {
  std::int64_t id = 0;
  std::string channel;
  Direction direction = Direction::Inbound;
  std::string raw;
  std::optional<std::string> canonical_json;
  MessageStatus status = MessageStatus::Received;
  std::optional<std::string> error;  // errored: why; filtered: the rule's reason
  std::string control_id;
  std::string sender;
  std::string message_type;
  std::int64_t received_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct MessageFilter {
  std::optional<std::string> channel;
  std::optional<MessageStatus> status;
  std::size_t limit = 100;
  std::optional<std::int64_t> before_id;  // paging: only ids below this, newest first
  // The sender's message control id (MSH-10): "did CTRL-123 arrive?"
  std::optional<std::string> control_id;
};

struct NewDelivery {
  std::string destination;
  std::optional<std::string> payload;  // serialized outbound bytes, when made at routing time
};

// One destination's open queue: what waits to go (pending) or is on the wire (in_flight), and
// when the oldest of them was created. A queue that keeps growing, or whose oldest entry keeps
// ageing, is a destination that is down or too slow: what an operator is paged for.
struct DeliveryQueue {
  std::string destination;  // the queue name, "channel/destination"
  std::int64_t pending = 0;
  std::int64_t in_flight = 0;
  std::int64_t oldest_created_at_ms = 0;

  bool operator==(const DeliveryQueue&) const = default;
};

struct DeliveryRecord {
  std::int64_t id = 0;
  std::int64_t message_id = 0;
  std::string destination;
  DeliveryStatus status = DeliveryStatus::Pending;
  int attempts = 0;  // attempts started so far; claimDue counts the one it starts
  std::int64_t next_attempt_at_ms = 0;
  std::optional<std::string> last_error;
  std::optional<std::string> response;  // the peer's reply, e.g. its ACK bytes
  std::optional<std::string> payload;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  // claimDue only, when payload is empty ("original" format): the message's raw bytes, read in
  // the claiming transaction so that a worker needs no second look at the store to send it.
  std::optional<std::string> message_raw;
};

// What processing decided for one message, as Processor records it (see recordProcessed).
// status: Processed (with canonical_json and the deliveries it was routed to), Errored (error
// says why) or Filtered (error holds the rule's reason). Received is not an outcome.
// A business key of a message, e.g. {"claim", "CLM-2026-0042"}: messages sharing one are about
// the same document (a claim and its remittance).
struct MessageKey {
  std::string kind;
  std::string value;
  bool operator==(const MessageKey&) const = default;
};

struct ProcessedMessage {
  std::int64_t id = 0;
  MessageStatus status = MessageStatus::Processed;
  std::optional<std::string> canonical_json;
  std::optional<std::string> error;
  std::vector<NewDelivery> deliveries;  // Processed only
  std::vector<MessageKey> keys;         // Processed only
};

// How one claimed delivery was settled (see settleDeliveries). The named constructors are the
// four outcomes a worker can reach; Pending (a retry) is the only one that keeps it queued.
struct DeliverySettlement {
  std::int64_t delivery_id = 0;
  DeliveryStatus status = DeliveryStatus::Delivered;  // Delivered, Pending, Failed or Dead
  std::optional<std::string> error;                   // kept as last_error when set
  std::optional<std::string> response;                // stored when set
  std::optional<std::int64_t> next_attempt_at_ms;     // Pending only, and required there

  static DeliverySettlement delivered(std::int64_t id, std::optional<std::string> response) {
    return {id, DeliveryStatus::Delivered, std::nullopt, std::move(response), std::nullopt};
  }
  static DeliverySettlement retry(std::int64_t id, std::int64_t next_attempt_at_ms,
                                  std::string error) {
    return {id, DeliveryStatus::Pending, std::move(error), std::nullopt, next_attempt_at_ms};
  }
  static DeliverySettlement failed(std::int64_t id, std::string error,
                                   std::optional<std::string> response) {
    return {id, DeliveryStatus::Failed, std::move(error), std::move(response), std::nullopt};
  }
  static DeliverySettlement dead(std::int64_t id, std::string error) {
    return {id, DeliveryStatus::Dead, std::move(error), std::nullopt, std::nullopt};
  }
};

struct SettledDeliveries {
  std::vector<bool> settled;  // per settlement, in order: false when it was not in flight
  std::size_t released = 0;   // how many of the released ids were in flight
};

// A worker's batch settled and its next batch claimed (Store::settleAndClaim).
struct SettledAndClaimed {
  SettledDeliveries settled;
  std::vector<DeliveryRecord> claimed;
};

// Per destination, deliveries go out in id order by default: a later one waits while an earlier
// one is pending (even with a retry time in the future) or in flight, which is the head-of-line
// blocking HL7 feeds rely on. AnyDue, for destinations that do not care about order, takes any
// due deliveries, those due longest first (next_attempt_at, then id).
enum class ClaimOrder { Fifo, AnyDue };

struct Event {
  std::int64_t id = 0;  // assigned by the store
  std::optional<std::int64_t> message_id;
  std::optional<std::int64_t> delivery_id;
  std::string channel;
  std::string destination;
  std::string type;    // one of event_type, or a subscriber's own
  std::string detail;  // short and structural, never patient data
  std::int64_t at_ms = 0;
};

struct AppliedMigration {
  int version = 0;
  std::string name;
};

// A schema migration this build knows, and whether the store has it: what an operator checks
// before upgrading (`ferry migrate --dry-run`, `ferry status`).
struct SchemaMigration {
  int version = 0;
  std::string name;
  std::optional<std::int64_t> applied_at_ms;  // when it was applied; none while pending
};

// One purge of finished messages as the audit trail keeps it (see Store::purgeFinished). The
// purged messages take their events with them, so this row is what tells an auditor that they
// existed and were removed on purpose: when, by whom, why, up to which time and how many.
struct PurgeRecord {
  std::int64_t id = 0;       // 0 when nothing was old enough (then nothing is recorded)
  std::int64_t at_ms = 0;    // when it ran (the store's clock)
  std::string actor;         // who: an operator's login name, or the engine's pruner
  std::string reason;
  std::int64_t cutoff_ms = 0;  // messages finished before this time were eligible
  std::int64_t messages = 0;
  std::int64_t deliveries = 0;
  std::int64_t events = 0;
  // The smallest and largest id removed (0 when none); the ids between are not all removed.
  std::int64_t first_message_id = 0;
  std::int64_t last_message_id = 0;
};

struct PurgeResult {
  PurgeRecord purge;
  bool more = false;  // more messages were eligible than this call could remove
};

// One file of a recorded configuration (see Store::recordConfigRevision). What is stored is
// what an auditor may read: secret values inside a file are already replaced by a marker, and
// a file that is itself a secret (a key file) keeps no content at all.
struct ConfigFile {
  std::string path;      // relative to the configuration folder, '/' separators
  std::string sha256;    // hex SHA-256 of the stored content; a secret: its keyed fingerprint
  std::int64_t size = 0;  // bytes of the stored content (0 for a secret)
  bool secret = false;   // content never stored
  std::optional<std::string> content;  // when read with configRevision(id) and not secret

  bool operator==(const ConfigFile&) const = default;
};

// A revision of the configuration folder as recorded when it changed: when, who, why, a
// digest over all of its files, a short summary of what changed against the revision before,
// and the files themselves (only from configRevision(id)).
struct ConfigRevision {
  std::int64_t id = 0;
  std::int64_t recorded_at_ms = 0;  // the store's clock
  std::string actor;   // the login name of whoever started the engine
  std::string reason;  // e.g. "engine start"
  std::string digest;  // hex SHA-256 over every file's path, secret flag and sha256
  std::string summary;  // e.g. "changed channels/lab.json; added tables/loinc.csv"
  std::vector<ConfigFile> files;  // by path
};

// What recordConfigRevision did. Recorded: `id` is the new revision. Unchanged: the latest
// revision has the same digest, `id` is that one, nothing recorded. Stale: the latest revision
// is no longer the one the summary was made against (another process recorded one meanwhile),
// nothing recorded; read the latest again and retry.
struct ConfigRevisionResult {
  enum class Outcome { Recorded, Unchanged, Stale };
  Outcome outcome = Outcome::Recorded;
  std::int64_t id = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies the schema migrations not applied yet, in order, and returns them (empty when the
  // schema is current). Implementations may run it when they open (SQLite: migrate_on_open);
  // whether a process upgrades a store by itself is ferry.json's store.migrations.
  virtual std::vector<AppliedMigration> migrate() = 0;
  // Every migration this build knows, in order, with its state; applies nothing. StoreError
  // when the store's history does not match this build (as at open).
  virtual std::vector<SchemaMigration> schemaMigrations() = 0;

  // --- messages ---
  virtual ReceivedId insertReceived(const NewMessage& message) = 0;
  // All in one transaction; results in the order of `messages`. Used by GroupCommitter. A
  // message is checked against those before it in the same batch too.
  virtual std::vector<ReceivedId> insertReceivedBatch(const std::vector<NewMessage>& messages) = 0;
  // Status changes apply to a message that is received or errored (a message is routed at most
  // once); false when the message does not exist or is already processed or filtered.
  virtual bool markProcessed(std::int64_t id, const std::string& canonical_json) = 0;
  virtual bool markProcessedAndRoute(std::int64_t id, const std::string& canonical_json,
                                     const std::vector<NewDelivery>& deliveries) = 0;
  virtual bool markErrored(std::int64_t id, const std::string& error) = 0;
  virtual bool markFiltered(std::int64_t id, const std::string& reason) = 0;
  // The outcomes of several messages in one transaction (a processor draining its queue pays
  // one write for a batch instead of one per message). Each entry follows the rules of the
  // single-message calls above: the result says, per entry in order, whether its status change
  // applied; an entry that did not apply adds no deliveries. Throws std::invalid_argument,
  // before writing anything, for an entry whose status is Received or that routes a message
  // it does not mark processed; StoreError when the transaction fails (nothing was recorded).
  virtual std::vector<bool> recordProcessed(const std::vector<ProcessedMessage>& outcomes) = 0;
  // Oldest first, ids above after_id: restart recovery re-processes the 'received' ones.
  virtual std::vector<MessageRecord> messagesWithStatus(MessageStatus status, std::size_t limit,
                                                        std::int64_t after_id = 0) = 0;
  virtual std::optional<MessageRecord> message(std::int64_t id) = 0;
  // Newest first.
  virtual std::vector<MessageRecord> listMessages(const MessageFilter& filter) = 0;
  // Messages recorded with the key, oldest first; the keys of a message.
  virtual std::vector<std::int64_t> messagesWithKey(const MessageKey& key) = 0;
  virtual std::vector<MessageKey> messageKeys(std::int64_t message_id) = 0;

  // --- deliveries ---
  // New deliveries are pending and due now. Returns their ids in the order given.
  virtual std::vector<std::int64_t> addDeliveries(std::int64_t message_id,
                                                  const std::vector<NewDelivery>& deliveries) = 0;
  // Moves up to `limit` due deliveries of `destination` to in_flight, counting one attempt each,
  // and returns them in the order to send them (id order under Fifo). The caller sends them in
  // that order and settles each one with markDelivered/markRetry/markFailed/markDead, or hands
  // unsent ones back with release(); settleDeliveries does both for a batch in one transaction.
  virtual std::vector<DeliveryRecord> claimDue(const std::string& destination, std::int64_t now_ms,
                                               std::size_t limit,
                                               ClaimOrder order = ClaimOrder::Fifo) = 0;
  // At start, before any worker runs: deliveries left in flight by a crash are settled as
  // noted (noteSettlement), and the others become pending again and will be sent again
  // (delivery is at-least-once). Returns how many became pending.
  virtual std::size_t recoverInFlight() = 0;
  // A worker that settles in batches notes each outcome as soon as the peer has answered, and
  // records the batch later with settleDeliveries. A note costs no transaction and survives a
  // killed process, so recoverInFlight settles it instead of sending it again: a crash in the
  // middle of a batch re-sends at most the delivery that was on the wire. A power cut may lose
  // notes (then those deliveries are sent again). `claimed` is the record claimDue returned.
  // False when the note could not be kept, which costs nothing unless the process dies first.
  virtual bool noteSettlement(const DeliveryRecord& claimed,
                              const DeliverySettlement& settlement) = 0;
  // Settling a delivery requires it to be in flight; false otherwise.
  virtual bool markDelivered(std::int64_t delivery_id, const std::optional<std::string>& response) = 0;
  virtual bool markRetry(std::int64_t delivery_id, std::int64_t next_attempt_at_ms,
                         const std::string& error) = 0;
  virtual bool markFailed(std::int64_t delivery_id, const std::string& error,
                          const std::optional<std::string>& response) = 0;
  virtual bool markDead(std::int64_t delivery_id, const std::string& error) = 0;
  // Claimed but not attempted (e.g. the batch stopped at a failure): back to pending, due now,
  // the attempt counted by claimDue taken back.
  virtual std::size_t release(const std::vector<std::int64_t>& delivery_ids) = 0;
  // A worker's batch in one transaction: settles each of `settlements` (as the mark* calls
  // above: only a delivery in flight is settled) and releases `released` (as release()).
  // Throws std::invalid_argument, before writing anything, for a settlement to InFlight or a
  // retry without next_attempt_at_ms; StoreError when the transaction fails (nothing changed,
  // the deliveries stay in flight until recoverInFlight at the next start).
  virtual SettledDeliveries settleDeliveries(const std::vector<DeliverySettlement>& settlements,
                                             const std::vector<std::int64_t>& released = {}) = 0;
  // A worker with a backlog goes on to its next batch: settleDeliveries(settlements), then
  // claimDue(destination, now_ms, limit, order), which sees those settlements (a FIFO head that
  // was delivered no longer blocks; one waiting for its retry still does). A store may do both
  // in one transaction, so the worker takes one turn on the writer a batch instead of two.
  virtual SettledAndClaimed settleAndClaim(const std::vector<DeliverySettlement>& settlements,
                                           const std::string& destination, std::int64_t now_ms,
                                           std::size_t limit, ClaimOrder order) {
    SettledAndClaimed result;
    result.settled = settleDeliveries(settlements);
    result.claimed = claimDue(destination, now_ms, limit, order);
    return result;
  }
  // Operator reprocess of a failed or dead delivery: pending, due now, attempts back to 0. The
  // "requeued" event with `note` (who asked, why) is recorded in the same transaction. False
  // (nothing recorded) when the delivery is not failed or dead.
  virtual bool requeue(std::int64_t delivery_id, const std::string& note) = 0;
  // Operator reprocess of an errored or filtered message (once the mapping or the channel that
  // stopped it is fixed): back to 'received', its error and canonical JSON cleared, with a
  // "reprocess" event holding `note` (who asked, why) in the same transaction. The caller then
  // processes it as the engine would; if it cannot, the next start does (it is 'received').
  // False (nothing recorded) when the message is not errored or filtered.
  virtual bool reopenForReprocessing(std::int64_t message_id, const std::string& note) = 0;
  virtual std::optional<DeliveryRecord> delivery(std::int64_t delivery_id) = 0;
  virtual std::vector<DeliveryRecord> deliveriesFor(std::int64_t message_id) = 0;
  // Failed and dead deliveries, oldest first.
  virtual std::vector<DeliveryRecord> deadLetters(std::size_t limit, std::int64_t after_id = 0) = 0;

  // --- events ---
  virtual std::int64_t appendEvent(const Event& event) = 0;
  // One transaction for all: a subscriber that buffers events pays one fsync per batch.
  virtual std::vector<std::int64_t> appendEvents(const std::vector<Event>& events) = 0;
  virtual std::vector<Event> eventsFor(std::int64_t message_id) = 0;
  // A channel's own events (no message: paused, resumed), the newest `limit`, oldest first.
  virtual std::vector<Event> channelEvents(const std::string& channel, std::size_t limit) = 0;

  // --- operators' channel switches ---
  // Pauses or resumes the deliveries of a channel (messages are still received and stored).
  // Kept across restarts; a running engine applies a change within a second. A change records
  // a "paused" or "resumed" event for the channel with `note` in the same transaction; false
  // (and no event) when the channel was already in that state.
  virtual bool setChannelPaused(const std::string& channel, bool paused, const std::string& note) = 0;
  virtual std::set<std::string> pausedChannels() = 0;

  // --- metrics: every status appears, with 0 when none ---
  virtual std::map<std::string, std::int64_t> countMessagesByStatus() = 0;
  virtual std::map<std::string, std::int64_t> countDeliveriesByStatus() = 0;
  // Every destination with open deliveries, by name; an empty queue is not listed.
  virtual std::vector<DeliveryQueue> openQueues() = 0;
  // Why the store refuses writes: the last write's failure when it was recent (SQLite: within
  // 10 s; a full disk, an I/O error), else nullopt. Reads may still work then, so a health check
  // that only reads would call such a store healthy.
  virtual std::optional<std::string> writeFailure() const { return std::nullopt; }

  // --- retention ---
  // Removes, in one transaction, at most `max_messages` messages that are finished and have
  // been left alone for `older_than_ms` (before cutoff = now - older_than_ms): status processed,
  // filtered or errored, last changed before the cutoff, and every delivery delivered, failed
  // or dead and last changed before the cutoff too. A message still received, or with a
  // delivery pending or in flight, is never removed however old: it is still owed to a
  // destination. Their deliveries, events and business keys go with them, and a purge record
  // (who, why, cutoff, counts) is written in the same transaction; nothing is recorded when
  // nothing was eligible. Oldest first. Throws std::invalid_argument for a negative age, no
  // max_messages or an empty actor; StoreError when the transaction fails (nothing removed).
  virtual PurgeResult purgeFinished(std::int64_t older_than_ms, std::size_t max_messages,
                                    std::string_view actor, std::string_view reason) = 0;
  // How many messages purgeFinished(older_than_ms, ...) would remove now, in all (a read).
  virtual std::int64_t countPurgeable(std::int64_t older_than_ms) = 0;
  // The audit trail of purges, newest first.
  virtual std::vector<PurgeRecord> purges(std::size_t limit) = 0;

  // --- backup ---
  // Writes a consistent copy of the whole store, as it was at one moment, to a new file at
  // `path` while the engine goes on writing (a plain copy of a SQLite file and its WAL taken
  // meanwhile may not open). Throws std::invalid_argument when `path` exists, StoreError when
  // the copy cannot be written (nothing is left at `path` then).
  virtual void backupTo(const std::string& path) = 0;

  // --- configuration revisions (the trail of configuration changes) ---
  // Records `revision` (its id and recorded_at are the store's) in one transaction, only when
  // its digest differs from the latest revision's and the latest is still `based_on_id` (0:
  // none yet), so two engines starting at once on the same change record it once. Throws
  // std::invalid_argument for an empty actor or a digest that is not 64 hex characters;
  // StoreError when the transaction fails (nothing recorded).
  virtual ConfigRevisionResult recordConfigRevision(const ConfigRevision& revision,
                                                    std::int64_t based_on_id) = 0;
  // Newest first, ids below before_id (0: from the latest), without their files.
  virtual std::vector<ConfigRevision> configRevisions(std::size_t limit,
                                                      std::int64_t before_id = 0) = 0;
  // One revision with its files and their stored contents; nullopt when there is none.
  virtual std::optional<ConfigRevision> configRevision(std::int64_t id) = 0;
  // A random value made once per store: the key of the fingerprints of secrets, so that a
  // fingerprint of a short secret cannot be looked up in a precomputed table or compared
  // between installations (config_revision.h).
  virtual std::string configSecretSalt() = 0;

  // Write transactions committed since open (one per write call, one per batch).
  virtual std::uint64_t transactionsCommitted() const = 0;
};

}  // namespace ferry::store
