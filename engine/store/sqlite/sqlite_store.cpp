#include "engine/store/sqlite/sqlite_store.h"

#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "engine/store/sqlite/channel_states_table.h"
#include "engine/store/sqlite/deliveries_table.h"
#include "engine/store/sqlite/events_table.h"
#include "engine/store/sqlite/message_keys_table.h"
#include "engine/store/sqlite/messages_table.h"
#include "engine/store/sqlite/sqlite_store_calls.h"

namespace ferry::store::sqlite {

using Poco::Data::Session;

namespace {

std::int64_t systemClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Batch entries are checked before the transaction starts: a caller's mistake in one entry
// must fail the call as a whole, not leave half a batch written.
void checkSettlement(const DeliverySettlement& settlement) {
  const std::string which = "Delivery " + std::to_string(settlement.delivery_id) + ": ";
  if (settlement.status == DeliveryStatus::InFlight) {
    throw std::invalid_argument(which + "'in_flight' is not a settled state.");
  }
  if (settlement.status == DeliveryStatus::Pending && !settlement.next_attempt_at_ms) {
    throw std::invalid_argument(which + "a retry needs its next attempt time.");
  }
}

DeliveriesTable::Outcome settledState(const DeliverySettlement& settlement) {
  DeliveriesTable::Outcome outcome;
  outcome.status = settlement.status;
  outcome.error = settlement.error;
  outcome.response = settlement.response;
  if (settlement.status == DeliveryStatus::Pending) {
    outcome.next_attempt_at = settlement.next_attempt_at_ms;
  }
  return outcome;
}

// A worker's batch, settled inside the caller's write transaction.
SettledDeliveries settleIn(DeliveriesTable& table, const std::vector<DeliverySettlement>& settlements,
                           const std::vector<std::int64_t>& released, std::int64_t now_ms) {
  SettledDeliveries settled;
  settled.settled.reserve(settlements.size());
  for (const auto& settlement : settlements) {
    settled.settled.push_back(table.settle(settlement.delivery_id, settledState(settlement), now_ms));
  }
  for (std::int64_t id : released) settled.released += table.release(id, now_ms) ? 1 : 0;
  return settled;
}

// The deliveries a committed settlement has put in the database: their notes can go.
std::vector<std::int64_t> settledIds(const std::vector<DeliverySettlement>& settlements,
                                     const std::vector<std::int64_t>& released) {
  std::vector<std::int64_t> ids = released;
  for (const auto& settlement : settlements) ids.push_back(settlement.delivery_id);
  return ids;
}

}  // namespace

SqliteStore::SqliteStore(std::string path, SqliteOptions options)
    : path_(std::move(path)), options_(std::move(options)), journal_(path_ + "-sent") {
  if (!options_.clock) options_.clock = systemClockMs;
  try {
    const std::filesystem::path file(path_);
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    writer_ = std::make_unique<Session>(
        openConnection(path_, ConnectionRole::Writer, options_.busy_timeout_ms));
    statements_ = std::make_unique<StatementCache>(Poco::Data::SQLite::Utility::dbHandle(*writer_));
    wal_sync_ = options_.wal_sync_for_tests
                    ? std::make_unique<WalSync>(path_ + "-wal", options_.wal_sync_lanes,
                                                options_.wal_sync_for_tests)
                    : std::make_unique<WalSync>(path_ + "-wal", options_.wal_sync_lanes);
    wal_sync_->onSynced([this] { writes_.wake(); });
    Migrator migrator(*writer_, options_.migrations, path_);
    if (options_.migrate_on_open) {
      if (!migrator.apply(now()).empty()) syncSchema();
    } else {
      migrator.check();
    }
  } catch (const StoreError&) {
    throw;
  } catch (const std::filesystem::filesystem_error& e) {
    throw StoreError(path_, "Cannot create the folder of the store " + path_ + ": " +
                                e.code().message() + ".");
  } catch (const Poco::Exception& e) {
    throw StoreError(path_, "Cannot open the store " + path_ + ": " + e.displayText() + ".");
  } catch (const std::exception& e) {
    throw StoreError(path_, "Cannot open the store " + path_ + ": " + e.what() + ".");
  }
  readers_ = std::make_unique<ReaderPool>(path_, options_.readers, options_.busy_timeout_ms);
  try {
    checkpointer_ = std::make_unique<Checkpointer>(Poco::Data::SQLite::Utility::dbHandle(*writer_),
                                                   path_, options_.checkpoints);
  } catch (const std::exception& e) {
    throw StoreError(path_, "Cannot open the store " + path_ + ": " + e.what() + ".");
  }
}

SqliteStore::~SqliteStore() {
  // Readers and the checkpointer first: the writer, closing last, checkpoints the WAL into the
  // main file.
  checkpointer_.reset();
  readers_.reset();
  statements_.reset();
  writer_.reset();
}

std::int64_t SqliteStore::now() const { return options_.clock(); }

void SqliteStore::syncSchema() {
  // Migrations commit outside the WriteCombiner: made durable here, before the store is used.
  wal_sync_->waitDurable(wal_sync_->committed());
}

void SqliteStore::fail(std::string_view what, const std::string& cause) const {
  throw StoreError(path_, "Could not " + std::string(what) + " in the store " + path_ + ": " +
                              cause + ".");
}

SqliteStore::WriterTime SqliteStore::writerTime() const {
  const WalSync::Stats syncs = wal_sync_->stats();
  return {writer_stats_[1][0].load(), writer_stats_[1][1].load(), writer_stats_[0][0].load(), writer_stats_[0][1].load(),
          writer_stats_[1][2].load(), writer_stats_[0][2].load(), writer_stats_[1][3].load(), writer_stats_[0][3].load(),
          syncs.syncs,                syncs.sync_us,              syncs.waits};
}

std::uint64_t SqliteStore::walBytes() const {
  std::error_code missing;
  const auto size = std::filesystem::file_size(path_ + "-wal", missing);
  return missing ? 0 : size;
}

std::exception_ptr SqliteStore::failure(std::string_view what) const {
  try {
    throw;
  } catch (const StoreError&) {
    return std::current_exception();
  } catch (const Poco::Exception& e) {
    return std::make_exception_ptr(StoreError(
        path_, "Could not " + std::string(what) + " in the store " + path_ + ": " + e.displayText() + "."));
  } catch (const std::exception& e) {
    return std::make_exception_ptr(
        StoreError(path_, "Could not " + std::string(what) + " in the store " + path_ + ": " + e.what() + "."));
  } catch (...) {
    return std::make_exception_ptr(
        StoreError(path_, "Could not " + std::string(what) + " in the store " + path_ + "."));
  }
}

void SqliteStore::runBatch(WriteCombiner::Batch& batch) {
  std::lock_guard lock(write_mutex_);
  if (runTransaction(batch) || batch.size() == 1) return;
  // A write of the batch failed, and the transaction with it. Each write runs again in a
  // transaction of its own, so only the write that fails reports an error. (Savepoints per
  // write would do the same in one pass, but cost two statements per write on every batch,
  // and a failure is rare.) A body only writes through the connection and fills its caller's
  // result, so running it again is safe.
  for (WriteJob* job : batch) {
    job->error = nullptr;
    WriteCombiner::Batch alone{job};
    runTransaction(alone);
  }
}

bool SqliteStore::runTransaction(WriteCombiner::Batch& batch) {
  sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(*writer_);
  const bool durable = std::any_of(batch.begin(), batch.end(), [](const WriteJob* j) { return j->durable; });
  bool open = false;
  try {
    // Every transaction commits without an fsync (synchronous=NORMAL), so the writer is free
    // for the next one at once. A batch holding a received message, which Ferry acknowledges,
    // gets a ticket, and its callers wait in write() for an fsync of the WAL that covers it
    // (wal_sync.h). Bookkeeping writes (processing results, delivery states, events) ride on
    // the next such fsync; a power cut may undo the last few of them, which recovery redoes
    // (messages left 'received' are processed again; deliveries are at least once), and a
    // process crash loses nothing.
    const auto started = std::chrono::steady_clock::now();
    int pages = 0;
    int unused = 0;
    sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &pages, &unused, /*reset=*/1);  // from zero
    // Compiled once, as every other hot statement: sqlite3_exec compiled them anew for each
    // of the thousands of transactions a second under load.
    statements_->get("BEGIN IMMEDIATE").run();
    open = true;
    for (WriteJob* job : batch) job->run();
    const auto ran = std::chrono::steady_clock::now();
    statements_->get("COMMIT").run();
    open = false;
    const std::uint64_t ticket = wal_sync_->committed();
    for (WriteJob* job : batch) job->commit_ticket = ticket;
    const auto committed = std::chrono::steady_clock::now();
    transactions_.fetch_add(1, std::memory_order_relaxed);
    const auto us = [](auto d) {
      return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
    };
    sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &pages, &unused, /*reset=*/1);
    auto& counters = writer_stats_[durable];
    counters[0].fetch_add(us(ran - started), std::memory_order_relaxed);
    counters[1].fetch_add(us(committed - ran), std::memory_order_relaxed);
    counters[2].fetch_add(1, std::memory_order_relaxed);
    counters[3].fetch_add(static_cast<std::uint64_t>(pages), std::memory_order_relaxed);
    return true;
  } catch (...) {
    if (open) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    // Every write of the batch was rolled back: each reports the failure, in its own words,
    // unless runBatch runs it again alone.
    for (WriteJob* job : batch) job->error = failure(job->what);
    return false;
  }
}

SqliteSettings SqliteStore::settings() {
  std::lock_guard lock(write_mutex_);
  SqliteSettings s;
  s.journal_mode = pragma(*writer_, "main.journal_mode");
  s.synchronous = std::stoi(pragma(*writer_, "main.synchronous"));
  s.busy_timeout_ms = std::stoi(pragma(*writer_, "busy_timeout"));
  s.foreign_keys = pragma(*writer_, "foreign_keys") == "1";
  return s;
}

std::vector<AppliedMigration> SqliteStore::migrate() {
  try {
    std::lock_guard lock(write_mutex_);
    auto applied = Migrator(*writer_, options_.migrations, path_).apply(now());
    if (!applied.empty()) syncSchema();
    return applied;
  } catch (const StoreError&) {
    throw;
  } catch (const Poco::Exception& e) {
    fail("apply schema migrations", e.displayText());
  } catch (const std::exception& e) {
    fail("apply schema migrations", e.what());
  }
}

std::vector<SchemaMigration> SqliteStore::schemaMigrations() {
  // A reader: listing must not wait behind the writer's transactions, and changes nothing.
  return read("read the schema migrations", [&](Session& s) {
    return Migrator(s, options_.migrations, path_).list();
  });
}

// --- messages ---

std::vector<MessageRecord> SqliteStore::messagesWithStatus(MessageStatus status, std::size_t limit,
                                                           std::int64_t after_id) {
  return read("read messages by status", [&](Session& s) {
    return MessagesTable(s).withStatus(status, limit, after_id);
  });
}

std::optional<MessageRecord> SqliteStore::message(std::int64_t id) {
  return read("read a message", [&](Session& s) { return MessagesTable(s).byId(id); });
}

std::vector<MessageRecord> SqliteStore::listMessages(const MessageFilter& filter) {
  return read("list messages", [&](Session& s) { return MessagesTable(s).list(filter); });
}

std::vector<std::int64_t> SqliteStore::messagesWithKey(const MessageKey& key) {
  return read("find messages by key", [&](Session& s) { return MessageKeysTable(s).messagesWith(key); });
}

std::vector<MessageKey> SqliteStore::messageKeys(std::int64_t message_id) {
  return read("read message keys", [&](Session& s) { return MessageKeysTable(s).keysOf(message_id); });
}

// --- deliveries ---

std::vector<std::int64_t> SqliteStore::addDeliveries(std::int64_t message_id,
                                                     const std::vector<NewDelivery>& deliveries) {
  return write("add deliveries", [&](Session& s, std::int64_t now_ms) {
    DeliveriesTable table(s, *statements_);
    std::vector<std::int64_t> ids;
    for (const auto& delivery : deliveries) ids.push_back(table.insert(message_id, delivery, now_ms));
    return ids;
  });
}

std::vector<DeliveryRecord> SqliteStore::claimDue(const std::string& destination,
                                                  std::int64_t now_ms, std::size_t limit,
                                                  ClaimOrder order) {
  if (limit == 0) return {};
  // Most looks at a queue find nothing due (a worker looks again after each batch and at each
  // poll). A reader answers those without taking a turn on the single writer; under WAL it sees
  // every committed delivery, and the claim itself is decided again inside the transaction.
  const bool any_due = read("look for due deliveries", [&](Session& s, StatementCache& queries) {
    return DeliveriesTable::reader(s, queries).anyDue(destination, now_ms, order);
  });
  if (!any_due) return {};
  return write("claim due deliveries", [&](Session& s, std::int64_t) {
    return DeliveriesTable(s, *statements_).claimDue(destination, now_ms, limit, order);
  }, /*relaxed=*/true);
}

std::size_t SqliteStore::recoverInFlight() {
  // The notes leave the disk before they are applied: if this start dies half-way, its
  // deliveries are sent again (at-least-once) rather than a stale note settling a later claim.
  const std::vector<NotedSettlement> notes = journal_.takeAll();
  return write("recover deliveries left in flight", [&](Session& s, std::int64_t now_ms) {
    DeliveriesTable table(s, *statements_);
    for (const NotedSettlement& noted : notes) {
      table.settle(noted.settlement.delivery_id, settledState(noted.settlement), now_ms,
                   DeliveriesTable::Claim{noted.attempts, noted.claimed_at_ms});
    }
    return table.recoverInFlight(now_ms);
  });
}

bool SqliteStore::noteSettlement(const DeliveryRecord& claimed,
                                 const DeliverySettlement& settlement) {
  checkSettlement(settlement);
  if (settlement.delivery_id != claimed.id) {
    throw std::invalid_argument("Delivery " + std::to_string(claimed.id) +
                                ": a note must be about the claimed delivery.");
  }
  return journal_.note(claimed.destination, {settlement, claimed.attempts, claimed.updated_at_ms});
}

bool SqliteStore::markDelivered(std::int64_t delivery_id,
                                const std::optional<std::string>& response) {
  return settle("mark a delivery delivered", {DeliverySettlement::delivered(delivery_id, response)},
                {}).settled.front();
}

bool SqliteStore::markRetry(std::int64_t delivery_id, std::int64_t next_attempt_at_ms,
                            const std::string& error) {
  return settle("schedule a delivery retry",
                {DeliverySettlement::retry(delivery_id, next_attempt_at_ms, error)}, {})
      .settled.front();
}

bool SqliteStore::markFailed(std::int64_t delivery_id, const std::string& error,
                             const std::optional<std::string>& response) {
  return settle("mark a delivery failed",
                {DeliverySettlement::failed(delivery_id, error, response)}, {})
      .settled.front();
}

bool SqliteStore::markDead(std::int64_t delivery_id, const std::string& error) {
  return settle("dead-letter a delivery", {DeliverySettlement::dead(delivery_id, error)}, {})
      .settled.front();
}

std::size_t SqliteStore::release(const std::vector<std::int64_t>& delivery_ids) {
  return settle("release claimed deliveries", {}, delivery_ids).released;
}

SettledDeliveries SqliteStore::settleDeliveries(const std::vector<DeliverySettlement>& settlements,
                                                const std::vector<std::int64_t>& released) {
  return settle("settle a batch of deliveries", settlements, released);
}

SettledDeliveries SqliteStore::settle(std::string_view what,
                                      const std::vector<DeliverySettlement>& settlements,
                                      const std::vector<std::int64_t>& released) {
  if (settlements.empty() && released.empty()) return {};
  for (const auto& settlement : settlements) checkSettlement(settlement);
  SettledDeliveries result = write(what, [&](Session& s, std::int64_t now_ms) {
    DeliveriesTable table(s, *statements_);
    return settleIn(table, settlements, released, now_ms);
  }, /*relaxed=*/true);
  // Committed: the database now has what the notes of these deliveries held.
  journal_.forget(settledIds(settlements, released));
  return result;
}

SettledAndClaimed SqliteStore::settleAndClaim(const std::vector<DeliverySettlement>& settlements,
                                              const std::string& destination, std::int64_t now_ms,
                                              std::size_t limit, ClaimOrder order) {
  for (const auto& settlement : settlements) checkSettlement(settlement);
  SettledAndClaimed result = write("settle a batch of deliveries and claim the next",
                                   [&](Session& s, std::int64_t store_now_ms) {
    DeliveriesTable table(s, *statements_);
    SettledAndClaimed done;
    done.settled = settleIn(table, settlements, {}, store_now_ms);
    done.claimed = table.claimDue(destination, now_ms, limit, order);
    return done;
  }, /*relaxed=*/true);
  journal_.forget(settledIds(settlements, {}));
  return result;
}

bool SqliteStore::requeue(std::int64_t delivery_id, const std::string& note) {
  return write("requeue a delivery", [&](Session& s, std::int64_t now_ms) {
    DeliveriesTable deliveries(s);
    if (!deliveries.requeue(delivery_id, now_ms)) return false;
    const auto d = deliveries.byId(delivery_id);
    Event event;
    event.message_id = d->message_id;
    event.delivery_id = delivery_id;
    event.destination = d->destination;
    event.type = event_type::kRequeued;
    event.detail = note;
    event.at_ms = now_ms;
    EventsTable(s, *statements_).insert(event);
    return true;
  });
}

bool SqliteStore::reopenForReprocessing(std::int64_t message_id, const std::string& note) {
  return write("reopen a message for reprocessing", [&](Session& s, std::int64_t now_ms) {
    MessagesTable messages(s, *statements_);
    if (!messages.reopen(message_id, now_ms)) return false;
    Event event;
    event.message_id = message_id;
    event.channel = messages.byId(message_id)->channel;
    event.type = event_type::kReprocess;
    event.detail = note;
    event.at_ms = now_ms;
    EventsTable(s, *statements_).insert(event);
    return true;
  });
}

bool SqliteStore::setChannelPaused(const std::string& channel, bool paused, const std::string& note) {
  return write(paused ? "pause a channel" : "resume a channel", [&](Session& s, std::int64_t now_ms) {
    if (!ChannelStatesTable(s).setPaused(channel, paused, now_ms)) return false;
    Event event;
    event.channel = channel;
    event.type = paused ? event_type::kPaused : event_type::kResumed;
    event.detail = note;
    event.at_ms = now_ms;
    EventsTable(s, *statements_).insert(event);
    return true;
  });
}

std::set<std::string> SqliteStore::pausedChannels() {
  return read("read paused channels", [&](Session& s) { return ChannelStatesTable(s).paused(); });
}

std::optional<DeliveryRecord> SqliteStore::delivery(std::int64_t delivery_id) {
  return read("read a delivery", [&](Session& s) { return DeliveriesTable(s).byId(delivery_id); });
}

std::vector<DeliveryRecord> SqliteStore::deliveriesFor(std::int64_t message_id) {
  return read("read the deliveries of a message",
              [&](Session& s) { return DeliveriesTable(s).forMessage(message_id); });
}

std::vector<DeliveryRecord> SqliteStore::deadLetters(std::size_t limit, std::int64_t after_id) {
  return read("read dead letters",
              [&](Session& s) { return DeliveriesTable(s).deadLetters(limit, after_id); });
}

// --- events ---

std::int64_t SqliteStore::appendEvent(const Event& event) {
  return write("append an event",
               [&](Session& s, std::int64_t) { return EventsTable(s, *statements_).insert(event); }, /*relaxed=*/true);
}

std::vector<std::int64_t> SqliteStore::appendEvents(const std::vector<Event>& events) {
  if (events.empty()) return {};
  return write("append events",
               [&](Session& s, std::int64_t) { return EventsTable(s, *statements_).insertAll(events); },
               /*relaxed=*/true);
}

std::vector<Event> SqliteStore::eventsFor(std::int64_t message_id) {
  return read("read the events of a message",
              [&](Session& s) { return EventsTable(s).forMessage(message_id); });
}

std::vector<Event> SqliteStore::channelEvents(const std::string& channel, std::size_t limit) {
  return read("read a channel's events",
              [&](Session& s) { return EventsTable(s).forChannel(channel, limit); });
}

// --- metrics ---

std::map<std::string, std::int64_t> SqliteStore::countMessagesByStatus() {
  return read("count messages", [&](Session& s) { return MessagesTable(s).countByStatus(); });
}

std::map<std::string, std::int64_t> SqliteStore::countDeliveriesByStatus() {
  return read("count deliveries", [&](Session& s) { return DeliveriesTable(s).countByStatus(); });
}

std::vector<DeliveryQueue> SqliteStore::openQueues() {
  return read("read the delivery queues", [&](Session& s) { return DeliveriesTable(s).openQueues(); });
}

}  // namespace ferry::store::sqlite

namespace ferry::store {

std::unique_ptr<Store> openSqliteStore(const std::string& path, sqlite::SqliteOptions options) {
  return std::make_unique<sqlite::SqliteStore>(path, std::move(options));
}

}  // namespace ferry::store
