#pragma once
// The embedded store: one SQLite file in WAL mode. A received message is committed only once
// the WAL holding its transaction is fsynced (Ferry acknowledges it after that, never before);
// that fsync runs after the commit, off the single writer, shared by every commit waiting for
// one (wal_sync.h). Bookkeeping writes (processing, delivery states, events) wait for no fsync
// and ride on the next one; see runTransaction() for why that is safe. Outcomes of deliveries
// sent but not yet settled are noted beside the file (SettlementJournal).
//
// Threads: one writer connection performs every write; SQLite allows one writer at a time
// anyway, and a single connection keeps that order inside the process instead of in busy-wait
// loops. Writes that arrive while a transaction runs share the next one (write_combiner.h).
// Reads go to a small pool of read-only connections that, under WAL, see the last committed
// state without waiting for the writer. Throughput of inserts comes from batching many
// messages into one transaction (insertReceivedBatch, used by GroupCommitter) and from merging
// the writes of every thread, not from parallel writers. WAL checkpoints run on a thread of
// their own (checkpointer.h).

#include <Poco/Data/Session.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/store/migration.h"
#include "engine/store/sqlite/checkpointer.h"
#include "engine/store/sqlite/connection.h"
#include "engine/store/sqlite/migrations.h"
#include "engine/store/sqlite/settlement_journal.h"
#include "engine/store/sqlite/statement_cache.h"
#include "engine/store/sqlite/wal_sync.h"
#include "engine/store/sqlite/write_combiner.h"
#include "engine/store/store.h"

namespace ferry::store::sqlite {

struct SqliteOptions {
  int busy_timeout_ms = 5000;  // how long a write waits for another process's lock
  std::size_t readers = 4;     // read-only connections, opened on demand
  bool migrate_on_open = true;  // false: only check the history; call migrate() yourself
  std::function<std::int64_t()> clock;  // ms since the epoch for updated_at; system clock if empty
  std::vector<Migration> migrations = sqliteMigrations();
  std::size_t max_writes_per_transaction = 64;  // writes of different callers merged at most
  Checkpointer::Options checkpoints;  // WAL checkpoints run on their own thread (checkpointer.h)
  std::size_t wal_sync_lanes = 2;     // fsyncs of the WAL that may run at once (wal_sync.h)
  // For tests of a failing disk: stands for the WAL's fdatasync and returns an error sentence,
  // or "" on success. Empty: the real fdatasync.
  std::function<std::string()> wal_sync_for_tests;
};

// What the writer connection runs with, as SQLite reports it (for tests and `ferry status`).
struct SqliteSettings {
  std::string journal_mode;  // "wal"
  int synchronous = 0;       // 1 = NORMAL: commits are fsynced after, not inside (wal_sync.h)
  int busy_timeout_ms = 0;
  bool foreign_keys = false;
};

class SqliteStore final : public Store {
 public:
  // Creates the file and its folder when missing. Throws StoreError naming the file when it
  // cannot be opened or its migration history does not match this build.
  explicit SqliteStore(std::string path, SqliteOptions options = {});
  ~SqliteStore() override;

  const std::string& path() const { return path_; }
  SqliteSettings settings();

  std::vector<AppliedMigration> migrate() override;
  std::vector<SchemaMigration> schemaMigrations() override;

  ReceivedId insertReceived(const NewMessage& message) override;
  std::vector<ReceivedId> insertReceivedBatch(const std::vector<NewMessage>& messages) override;
  bool markProcessed(std::int64_t id, const std::string& canonical_json) override;
  bool markProcessedAndRoute(std::int64_t id, const std::string& canonical_json,
                             const std::vector<NewDelivery>& deliveries) override;
  bool markErrored(std::int64_t id, const std::string& error) override;
  bool markFiltered(std::int64_t id, const std::string& reason) override;
  std::vector<bool> recordProcessed(const std::vector<ProcessedMessage>& outcomes) override;
  std::vector<MessageRecord> messagesWithStatus(MessageStatus status, std::size_t limit,
                                                std::int64_t after_id = 0) override;
  std::optional<MessageRecord> message(std::int64_t id) override;
  std::vector<MessageRecord> listMessages(const MessageFilter& filter) override;
  std::vector<std::int64_t> messagesWithKey(const MessageKey& key) override;
  std::vector<MessageKey> messageKeys(std::int64_t message_id) override;

  std::vector<std::int64_t> addDeliveries(std::int64_t message_id,
                                          const std::vector<NewDelivery>& deliveries) override;
  std::vector<DeliveryRecord> claimDue(const std::string& destination, std::int64_t now_ms,
                                       std::size_t limit,
                                       ClaimOrder order = ClaimOrder::Fifo) override;
  std::size_t recoverInFlight() override;
  bool noteSettlement(const DeliveryRecord& claimed, const DeliverySettlement& settlement) override;
  bool markDelivered(std::int64_t delivery_id, const std::optional<std::string>& response) override;
  bool markRetry(std::int64_t delivery_id, std::int64_t next_attempt_at_ms,
                 const std::string& error) override;
  bool markFailed(std::int64_t delivery_id, const std::string& error,
                  const std::optional<std::string>& response) override;
  bool markDead(std::int64_t delivery_id, const std::string& error) override;
  std::size_t release(const std::vector<std::int64_t>& delivery_ids) override;
  SettledDeliveries settleDeliveries(const std::vector<DeliverySettlement>& settlements,
                                     const std::vector<std::int64_t>& released = {}) override;
  // Both in one write transaction.
  SettledAndClaimed settleAndClaim(const std::vector<DeliverySettlement>& settlements,
                                   const std::string& destination, std::int64_t now_ms,
                                   std::size_t limit, ClaimOrder order) override;
  bool requeue(std::int64_t delivery_id, const std::string& note) override;
  bool reopenForReprocessing(std::int64_t message_id, const std::string& note) override;
  bool setChannelPaused(const std::string& channel, bool paused, const std::string& note) override;
  std::set<std::string> pausedChannels() override;
  std::optional<DeliveryRecord> delivery(std::int64_t delivery_id) override;
  std::vector<DeliveryRecord> deliveriesFor(std::int64_t message_id) override;
  std::vector<DeliveryRecord> deadLetters(std::size_t limit, std::int64_t after_id = 0) override;

  std::int64_t appendEvent(const Event& event) override;
  std::vector<std::int64_t> appendEvents(const std::vector<Event>& events) override;
  std::vector<Event> eventsFor(std::int64_t message_id) override;
  std::vector<Event> channelEvents(const std::string& channel, std::size_t limit) override;

  PurgeResult purgeFinished(std::int64_t older_than_ms, std::size_t max_messages,
                            std::string_view actor, std::string_view reason) override;
  std::int64_t countPurgeable(std::int64_t older_than_ms) override;
  std::vector<PurgeRecord> purges(std::size_t limit) override;

  ConfigRevisionResult recordConfigRevision(const ConfigRevision& revision,
                                            std::int64_t based_on_id) override;
  std::vector<ConfigRevision> configRevisions(std::size_t limit, std::int64_t before_id = 0) override;
  std::optional<ConfigRevision> configRevision(std::int64_t id) override;
  std::string configSecretSalt() override;

  std::map<std::string, std::int64_t> countMessagesByStatus() override;
  std::map<std::string, std::int64_t> countDeliveriesByStatus() override;
  std::vector<DeliveryQueue> openQueues() override;

  std::uint64_t transactionsCommitted() const override { return transactions_.load(); }
  std::uint64_t checkpoints() const { return checkpointer_ ? checkpointer_->checkpoints() : 0; }
  std::uint64_t writerCheckpoints() const {
    return checkpointer_ ? checkpointer_->writerCheckpoints() : 0;
  }
  std::uint64_t writerCheckpointMicros() const {
    return checkpointer_ ? checkpointer_->writerCheckpointMicros() : 0;
  }
  // Size of the WAL file now (0 when there is none): bounded by the checkpoints
  // (checkpointer.h), so an operator can alert on it.
  std::uint64_t walBytes() const;

  // How long the single writer has been busy since open, in microseconds, by kind of
  // transaction: running its statements, and committing (writing the WAL; the fsync that makes
  // durable ones durable runs afterwards, off the writer, counted in wal_sync_*). Against wall
  // time this shows how close the store is to its ceiling: every write of every thread takes
  // its turn on this one connection.
  // Transactions and the pages they wrote to the WAL, by kind: what each kind costs the disk
  // (every page is 4 KB in the WAL, then again in the database file at the checkpoint).
  struct WriterTime {
    std::uint64_t durable_statements_us = 0;
    std::uint64_t durable_commit_us = 0;
    std::uint64_t bookkeeping_statements_us = 0;
    std::uint64_t bookkeeping_commit_us = 0;
    std::uint64_t durable_transactions = 0;
    std::uint64_t bookkeeping_transactions = 0;
    std::uint64_t durable_pages = 0;
    std::uint64_t bookkeeping_pages = 0;
    // The WAL fsyncs that made durable writes durable, after their commits and off the writer
    // (wal_sync.h): how many, how long in all, and how many callers waited for one.
    std::uint64_t wal_syncs = 0;
    std::uint64_t wal_sync_us = 0;
    std::uint64_t wal_sync_waits = 0;
  };
  WriterTime writerTime() const;
  std::optional<std::string> writeFailure() const override;
  void backupTo(const std::string& path) override;

 private:
  // Runs body(writer session, now) in a write transaction, possibly shared with other
  // callers' writes; returns once that transaction has committed.
  // relaxed: the write alone needs no fsync (see runBatch).
  template <typename Body>
  auto write(std::string_view what, Body&& body, bool relaxed = false);
  // The WriteCombiner's executor: one transaction for the batch, errors into the jobs.
  void runBatch(WriteCombiner::Batch& batch);
  // One transaction for all of `batch`; false (every job given an error) when any failed.
  bool runTransaction(WriteCombiner::Batch& batch);
  // The exception being handled, as the StoreError a caller of `what` receives.
  std::exception_ptr failure(std::string_view what) const;
  // Runs body(reader session) on a pooled read-only connection, or body(reader session, its
  // statement cache) for a query made often enough to keep compiled.
  template <typename Body>
  auto read(std::string_view what, Body&& body);
  [[noreturn]] void fail(std::string_view what, const std::string& cause) const;
  // Every settle and release: one transaction, then the notes it made unnecessary go.
  SettledDeliveries settle(std::string_view what, const std::vector<DeliverySettlement>& settlements,
                           const std::vector<std::int64_t>& released);
  std::int64_t now() const;
  // Fsyncs the WAL after migrations committed directly on the writer.
  void syncSchema();
  // Keeps writeFailure() current: called with every write's failure.
  void noteWriteFailure(const std::exception_ptr& error);

  const std::string path_;
  SqliteOptions options_;
  std::mutex write_mutex_;  // held while a batch runs; migrate() and settings() take it too
  std::unique_ptr<Poco::Data::Session> writer_;
  std::unique_ptr<WalSync> wal_sync_;  // makes durable writes' commits durable
  WriteCombiner writes_{[this](WriteCombiner::Batch& batch) { runBatch(batch); },
                        options_.max_writes_per_transaction,
                        [this] { return wal_sync_ != nullptr && wal_sync_->lanesBusy(); }};
  std::unique_ptr<StatementCache> statements_;  // the writer's; closed before it
  std::unique_ptr<ReaderPool> readers_;
  std::unique_ptr<Checkpointer> checkpointer_;  // stopped before the writer closes
  SettlementJournal journal_;  // "<path>-sent": see noteSettlement
  std::atomic<std::uint64_t> transactions_{0};
  std::atomic<std::int64_t> last_write_failure_ms_{0};  // steady clock; 0: none yet
  mutable std::mutex write_failure_mutex_;
  std::string write_failure_;  // the last one's sentence, under write_failure_mutex_
  // WriterTime, [durable][0: statements µs, 1: commit µs, 2: transactions, 3: pages written];
  // written under write_mutex_.
  std::atomic<std::uint64_t> writer_stats_[2][4] = {};
};

}  // namespace ferry::store::sqlite

namespace ferry::store {

// Opens (creating when missing) the SQLite store at `path` and applies pending migrations,
// unless options.migrate_on_open is false (then it only checks the history).
std::unique_ptr<Store> openSqliteStore(const std::string& path,
                                       sqlite::SqliteOptions options = {});

}  // namespace ferry::store
