#include "engine/store/sqlite/retention.h"

#include <Poco/Data/Statement.h>

#include <algorithm>
#include <stdexcept>

#include "engine/store/sqlite/purges_table.h"

namespace ferry::store::sqlite {

using namespace Poco::Data::Keywords;

namespace {

// ?1: the cutoff. "Not received" is processed, filtered or errored (the table's CHECK admits
// no other status), written as the partial index's condition word for word: that is what lets
// SQLite use the index, and read it in (updated_at, id) order with no sort, instead of the
// status index and a sort of every finished message, which it picks for an IN list.
constexpr const char* kEligible =
    " FROM messages m WHERE m.status <> 'received'"
    " AND m.updated_at < ?1"
    " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id"
    "  AND (d.status IN ('pending', 'in_flight') OR d.updated_at >= ?1))";

}  // namespace

std::vector<std::string> Retention::schemaV4() {
  return {
      "CREATE INDEX messages_finished ON messages (updated_at) WHERE status <> 'received'",
  };
}

const std::string& Retention::candidatesSql() {
  static const std::string sql =
      std::string("SELECT m.id") + kEligible + " ORDER BY m.updated_at, m.id LIMIT ?2";
  return sql;
}

StatementCache& Retention::writer() {
  if (statements_ == nullptr) throw std::logic_error("retention: a purge on a read-only connection");
  return *statements_;
}

std::vector<std::int64_t> Retention::candidates(std::int64_t cutoff_ms, std::size_t limit) {
  auto st = writer().get(candidatesSql());
  st.bind(1, cutoff_ms).bind(2, static_cast<std::int64_t>(limit));
  std::vector<std::int64_t> ids;
  while (st.step()) ids.push_back(st.int64(0));
  return ids;
}

void Retention::remove(std::int64_t message_id, PurgeRecord& purge) {
  // Children first, each counted: the ON DELETE CASCADE of the schema would remove them too,
  // but SQLite does not count rows removed by a foreign key action. Events of a delivery
  // normally carry its message id as well; the second condition catches any that do not.
  struct Step {
    const char* sql;
    std::int64_t PurgeRecord::*counted;  // nullptr: not counted
  };
  static constexpr Step kSteps[] = {
      {"DELETE FROM events WHERE message_id = ?1"
       " OR delivery_id IN (SELECT id FROM deliveries WHERE message_id = ?1)",
       &PurgeRecord::events},
      {"DELETE FROM message_keys WHERE message_id = ?1", nullptr},
      {"DELETE FROM deliveries WHERE message_id = ?1", &PurgeRecord::deliveries},
      {"DELETE FROM messages WHERE id = ?1", &PurgeRecord::messages},
  };
  for (const Step& step : kSteps) {
    auto st = writer().get(step.sql);
    st.bind(1, message_id);
    st.run();
    if (step.counted != nullptr) purge.*step.counted += st.changes();
  }
}

PurgeResult Retention::purge(std::int64_t cutoff_ms, std::size_t max_messages,
                             std::string_view actor, std::string_view reason,
                             std::int64_t now_ms) {
  PurgeResult result;
  result.purge.at_ms = now_ms;
  result.purge.actor = std::string(actor);
  result.purge.reason = std::string(reason);
  result.purge.cutoff_ms = cutoff_ms;
  const std::vector<std::int64_t> ids = candidates(cutoff_ms, max_messages);
  if (ids.empty()) return result;
  for (const std::int64_t id : ids) remove(id, result.purge);
  const auto [first, last] = std::minmax_element(ids.begin(), ids.end());
  result.purge.first_message_id = *first;
  result.purge.last_message_id = *last;
  result.purge.id = PurgesTable(session_).insert(result.purge);
  // A full chunk: look whether another one is waiting (one index probe).
  result.more = ids.size() == max_messages && !candidates(cutoff_ms, 1).empty();
  return result;
}

std::int64_t Retention::count(std::int64_t cutoff_ms) {
  std::int64_t n = 0;
  session_ << std::string("SELECT COUNT(*)") + kEligible, bind(cutoff_ms), into(n), now;
  return n;
}

}  // namespace ferry::store::sqlite
