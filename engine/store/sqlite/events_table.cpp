#include "engine/store/sqlite/events_table.h"

#include <algorithm>
#include <array>

#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <stdexcept>


namespace ferry::store::sqlite {

using namespace Poco::Data::Keywords;

namespace {

std::optional<std::int64_t> optional(const Poco::Nullable<std::int64_t>& value) {
  if (value.isNull()) return std::nullopt;
  return value.value();
}

}  // namespace

std::vector<std::string> EventsTable::schemaV1() {
  return {
      "CREATE TABLE events ("
      " id INTEGER PRIMARY KEY AUTOINCREMENT,"
      " message_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,"
      " delivery_id INTEGER REFERENCES deliveries (id) ON DELETE CASCADE,"
      " channel TEXT NOT NULL DEFAULT '',"
      " destination TEXT NOT NULL DEFAULT '',"
      " type TEXT NOT NULL CHECK (type <> ''),"
      " detail TEXT NOT NULL DEFAULT '',"
      " at INTEGER NOT NULL)",
      "CREATE INDEX events_message ON events (message_id, id)",
      "CREATE INDEX events_delivery ON events (delivery_id)",
  };
}

// The delivery index is there for ON DELETE CASCADE from deliveries. A message's own events
// (received, processed, routed) have no delivery, and their NULLs all sort to one place in the
// middle of the index: each batch of them rewrote a page there. Left out, they touch nothing;
// SQLite uses the partial index for "delivery_id = ?", which implies IS NOT NULL.
std::vector<std::string> EventsTable::schemaV6() {
  return {
      "DROP INDEX events_delivery",
      "CREATE INDEX events_delivery ON events (delivery_id) WHERE delivery_id IS NOT NULL",
  };
}

namespace {

constexpr std::size_t kRowsPerInsert = 16;

// "INSERT ... VALUES (?, ...), (?, ...)" for 1..kRowsPerInsert rows, built once.
const std::string& insertRowsSql(std::size_t rows) {
  static const std::array<std::string, kRowsPerInsert + 1> sql = [] {
    std::array<std::string, kRowsPerInsert + 1> all;
    for (std::size_t n = 1; n <= kRowsPerInsert; ++n) {
      all[n] = "INSERT INTO events (message_id, delivery_id, channel, destination, type, detail, at) VALUES ";
      for (std::size_t row = 0; row < n; ++row) all[n] += row == 0 ? "(?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?)";
    }
    return all;
  }();
  return sql[rows];
}

// The event's seven values as the parameters of row `row` of such a statement.
void bindRow(StatementCache::Statement& st, std::size_t row, const Event& event) {
  const int base = static_cast<int>(row * 7);
  st.bind(base + 1, event.message_id)
      .bind(base + 2, event.delivery_id)
      .bind(base + 3, event.channel)
      .bind(base + 4, event.destination)
      .bind(base + 5, event.type)
      .bind(base + 6, event.detail)
      .bind(base + 7, event.at_ms);
}

}  // namespace

std::int64_t EventsTable::insert(const Event& event) {
  if (statements_ == nullptr) throw std::logic_error("events: a write on a read-only table view");
  auto st = statements_->get(insertRowsSql(1));
  bindRow(st, 0, event);
  st.run();
  return st.lastInsertId();
}

std::vector<std::int64_t> EventsTable::insertAll(const std::vector<Event>& events) {
  if (statements_ == nullptr) throw std::logic_error("events: a write on a read-only table view");
  // Up to 16 rows a statement: the per-statement work (and AUTOINCREMENT's update of
  // sqlite_sequence) is paid once for them, ~40 % less time a row than one statement each.
  std::vector<std::int64_t> ids;
  ids.reserve(events.size());
  for (std::size_t first = 0; first < events.size(); first += kRowsPerInsert) {
    const std::size_t rows = std::min(kRowsPerInsert, events.size() - first);
    auto st = statements_->get(insertRowsSql(rows));
    for (std::size_t row = 0; row < rows; ++row) bindRow(st, row, events[first + row]);
    st.run();
    // AUTOINCREMENT numbers the rows of one statement one after another, and this connection
    // is the only writer: the last row's id and the ones just before it.
    const std::int64_t last = st.lastInsertId();
    for (std::size_t row = 0; row < rows; ++row) ids.push_back(last - static_cast<std::int64_t>(rows - 1 - row));
  }
  return ids;
}

std::vector<Event> EventsTable::forMessage(std::int64_t message_id) {
  return select("message_id = ? ORDER BY id", message_id);
}

std::vector<Event> EventsTable::forChannel(const std::string& channel, std::size_t limit) {
  std::vector<Event> events =
      select("message_id IS NULL AND channel = ? ORDER BY id DESC LIMIT " + std::to_string(limit), channel);
  std::reverse(events.begin(), events.end());
  return events;
}

template <class Key>
std::vector<Event> EventsTable::select(const std::string& where_order, const Key& key) {
  std::vector<std::int64_t> ids;
  std::vector<Poco::Nullable<std::int64_t>> message_ids;
  std::vector<Poco::Nullable<std::int64_t>> delivery_ids;
  std::vector<std::string> channels;
  std::vector<std::string> destinations;
  std::vector<std::string> types;
  std::vector<std::string> details;
  std::vector<std::int64_t> ats;
  session_ << "SELECT id, message_id, delivery_id, channel, destination, type, detail, at"
              " FROM events WHERE " + where_order,
      useRef(key), into(ids), into(message_ids), into(delivery_ids), into(channels),
      into(destinations), into(types), into(details), into(ats), now;
  std::vector<Event> events(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    events[i].id = ids[i];
    events[i].message_id = optional(message_ids[i]);
    events[i].delivery_id = optional(delivery_ids[i]);
    events[i].channel = channels[i];
    events[i].destination = destinations[i];
    events[i].type = types[i];
    events[i].detail = details[i];
    events[i].at_ms = ats[i];
  }
  return events;
}

}  // namespace ferry::store::sqlite
