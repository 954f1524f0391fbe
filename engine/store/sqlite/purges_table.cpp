#include "engine/store/sqlite/purges_table.h"

#include <Poco/Data/Statement.h>

namespace ferry::store::sqlite {

using namespace Poco::Data::Keywords;

std::vector<std::string> PurgesTable::schemaV4() {
  return {
      // AUTOINCREMENT like messages: an audit entry's id is never given to another one.
      "CREATE TABLE purges ("
      " id INTEGER PRIMARY KEY AUTOINCREMENT,"
      " at INTEGER NOT NULL,"
      " actor TEXT NOT NULL CHECK (actor <> ''),"
      " reason TEXT NOT NULL DEFAULT '',"
      " cutoff INTEGER NOT NULL,"
      " messages INTEGER NOT NULL,"
      " deliveries INTEGER NOT NULL,"
      " events INTEGER NOT NULL,"
      " first_message_id INTEGER NOT NULL,"
      " last_message_id INTEGER NOT NULL)",
  };
}

std::int64_t PurgesTable::insert(const PurgeRecord& purge) {
  // A purge is rare (one per chunk of up to thousands of messages): no cached statement.
  std::int64_t id = 0;
  session_ << "INSERT INTO purges (at, actor, reason, cutoff, messages, deliveries, events,"
              " first_message_id, last_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      bind(purge.at_ms), useRef(purge.actor), useRef(purge.reason), bind(purge.cutoff_ms),
      bind(purge.messages), bind(purge.deliveries), bind(purge.events),
      bind(purge.first_message_id), bind(purge.last_message_id), into(id), now;
  return id;
}

std::vector<PurgeRecord> PurgesTable::latest(std::size_t limit) {
  std::vector<std::int64_t> ids, ats, cutoffs, messages, deliveries, events, firsts, lasts;
  std::vector<std::string> actors, reasons;
  session_ << "SELECT id, at, actor, reason, cutoff, messages, deliveries, events,"
              " first_message_id, last_message_id FROM purges ORDER BY id DESC LIMIT ?",
      bind(static_cast<std::int64_t>(limit)), into(ids), into(ats), into(actors), into(reasons),
      into(cutoffs), into(messages), into(deliveries), into(events), into(firsts), into(lasts), now;
  std::vector<PurgeRecord> rows(ids.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i] = {ids[i],        ats[i],        actors[i], reasons[i], cutoffs[i],
               messages[i],   deliveries[i], events[i], firsts[i],  lasts[i]};
  }
  return rows;
}

}  // namespace ferry::store::sqlite
