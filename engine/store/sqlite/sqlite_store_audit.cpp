// SqliteStore's operations for auditors and operators: retention purges with their audit trail,
// and the configuration revisions `ferry run` records (store.h). Apart from the message flow in
// sqlite_store.cpp; the same write() and read() (sqlite_store_calls.h).

#include <optional>
#include <stdexcept>

#include "engine/store/sqlite/config_revisions_table.h"
#include "engine/store/sqlite/purges_table.h"
#include "engine/store/sqlite/retention.h"
#include "engine/store/sqlite/sqlite_store_calls.h"

namespace ferry::store::sqlite {

using Poco::Data::Session;

// --- retention ---

PurgeResult SqliteStore::purgeFinished(std::int64_t older_than_ms, std::size_t max_messages,
                                       std::string_view actor, std::string_view reason) {
  if (older_than_ms < 0) throw std::invalid_argument("A retention age cannot be negative.");
  if (max_messages == 0) throw std::invalid_argument("A purge removes at least one message.");
  if (actor.empty()) throw std::invalid_argument("A purge names who asked for it.");
  // Relaxed, like other bookkeeping: the purge and its audit row commit together or not at all,
  // and it acknowledges nothing to anyone. A power cut right after may undo it, which brings
  // back finished messages and their audit row together; the next purge removes them again.
  // The cutoff comes from the clock that stamped updated_at, inside the transaction.
  return write("purge finished messages", [&](Session& s, std::int64_t now_ms) {
    return Retention(s, *statements_).purge(now_ms - older_than_ms, max_messages, actor, reason, now_ms);
  }, /*relaxed=*/true);
}

std::int64_t SqliteStore::countPurgeable(std::int64_t older_than_ms) {
  if (older_than_ms < 0) throw std::invalid_argument("A retention age cannot be negative.");
  const std::int64_t cutoff_ms = now() - older_than_ms;
  return read("count purgeable messages", [&](Session& s) { return Retention(s).count(cutoff_ms); });
}

std::vector<PurgeRecord> SqliteStore::purges(std::size_t limit) {
  if (limit == 0) return {};
  return read("read the purges", [&](Session& s) { return PurgesTable(s).latest(limit); });
}

// --- configuration revisions ---

ConfigRevisionResult SqliteStore::recordConfigRevision(const ConfigRevision& revision,
                                                       std::int64_t based_on_id) {
  if (revision.actor.empty()) throw std::invalid_argument("A configuration revision names who made it.");
  if (!ConfigRevisionsTable::isDigest(revision.digest)) {
    throw std::invalid_argument("A configuration digest is 64 lowercase hex characters.");
  }
  // The latest digest is compared inside the write transaction, which SQLite runs one at a
  // time across processes: two engines starting on the same change record it once. Relaxed,
  // like other bookkeeping: the first durable commit after it (the first message received)
  // makes it durable too, and a power cut before that one only means it is recorded again at
  // the next start.
  using Outcome = ConfigRevisionResult::Outcome;
  return write("record a configuration revision", [&](Session& s, std::int64_t now_ms) {
    ConfigRevisionsTable table(s);
    const std::optional<ConfigRevision> latest = table.latest();
    const std::int64_t latest_id = latest ? latest->id : 0;
    if (latest && latest->digest == revision.digest) return ConfigRevisionResult{Outcome::Unchanged, latest_id};
    if (latest_id != based_on_id) return ConfigRevisionResult{Outcome::Stale, latest_id};
    return ConfigRevisionResult{Outcome::Recorded, table.insert(revision, now_ms)};
  }, /*relaxed=*/true);
}

std::vector<ConfigRevision> SqliteStore::configRevisions(std::size_t limit, std::int64_t before_id) {
  if (limit == 0) return {};
  return read("list configuration revisions",
              [&](Session& s) { return ConfigRevisionsTable(s).list(limit, before_id); });
}

std::optional<ConfigRevision> SqliteStore::configRevision(std::int64_t id) {
  return read("read a configuration revision", [&](Session& s) { return ConfigRevisionsTable(s).byId(id); });
}

std::string SqliteStore::configSecretSalt() {
  return read("read the configuration secret salt", [&](Session& s) { return ConfigRevisionsTable(s).salt(); });
}

}  // namespace ferry::store::sqlite
