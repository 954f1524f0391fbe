#include "engine/store/sqlite/messages_table.h"

#include <Poco/Data/Statement.h>

#include <stdexcept>
#include <utility>

#include "engine/store/sqlite/blob.h"
#include "engine/store/sqlite/status_counts.h"

namespace ferry::store::sqlite {

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace {

constexpr const char* kColumns =
    "id, channel, direction, raw, canonical, status, error, control_id, sender, message_type, "
    "received_at, updated_at";

// One vector per column: Poco extracts a whole result set in one execute().
struct Columns {
  std::vector<std::int64_t> id;
  std::vector<std::string> channel;
  std::vector<std::string> direction;
  std::vector<Poco::Data::BLOB> raw;
  std::vector<Poco::Nullable<std::string>> canonical;
  std::vector<std::string> status;
  std::vector<Poco::Nullable<std::string>> error;
  std::vector<std::string> control_id;
  std::vector<std::string> sender;
  std::vector<std::string> message_type;
  std::vector<std::int64_t> received_at;
  std::vector<std::int64_t> updated_at;

  void intoStatement(Statement& st) {
    st, into(id), into(channel), into(direction), into(raw), into(canonical), into(status),
        into(error), into(control_id), into(sender), into(message_type), into(received_at),
        into(updated_at);
  }

  std::vector<MessageRecord> records() const {
    std::vector<MessageRecord> out(id.size());
    for (std::size_t i = 0; i < id.size(); ++i) {
      MessageRecord& r = out[i];
      r.id = id[i];
      r.channel = channel[i];
      r.direction = parseDirection(direction[i]).value_or(Direction::Inbound);
      r.raw = fromBlob(raw[i]);
      r.canonical_json = fromNullable(canonical[i]);
      // The CHECK constraint admits only known statuses.
      r.status = parseMessageStatus(status[i]).value_or(MessageStatus::Received);
      r.error = fromNullable(error[i]);
      r.control_id = control_id[i];
      r.sender = sender[i];
      r.message_type = message_type[i];
      r.received_at_ms = received_at[i];
      r.updated_at_ms = updated_at[i];
    }
    return out;
  }
};

// "status = 'errored'": the status as a literal, as the partial indexes' conditions are written.
// Its text comes from toString() of the enum, never from input.
std::string statusCondition(MessageStatus status) {
  return "status = '" + std::string(toString(status)) + "'";
}

}  // namespace

std::vector<std::string> MessagesTable::schemaV1() {
  return {
      // AUTOINCREMENT: ids only ever grow, even after old rows are purged, so an id in a log or
      // an audit entry never comes to name another message.
      "CREATE TABLE messages ("
      " id INTEGER PRIMARY KEY AUTOINCREMENT,"
      " channel TEXT NOT NULL CHECK (channel <> ''),"
      " direction TEXT NOT NULL DEFAULT 'inbound' CHECK (direction IN ('inbound', 'outbound')),"
      " raw BLOB NOT NULL,"
      " canonical TEXT,"
      " status TEXT NOT NULL DEFAULT 'received'"
      "  CHECK (status IN ('received', 'processed', 'errored', 'filtered')),"
      " error TEXT,"
      " control_id TEXT NOT NULL DEFAULT '',"
      " sender TEXT NOT NULL DEFAULT '',"
      " message_type TEXT NOT NULL DEFAULT '',"
      " received_at INTEGER NOT NULL,"
      " updated_at INTEGER NOT NULL)",
      "CREATE INDEX messages_duplicate ON messages (sender, control_id, received_at)",
      "CREATE INDEX messages_status ON messages (status, id)",
      "CREATE INDEX messages_channel ON messages (channel, id)",
  };
}

// Nearly every message ends processed, and nothing looks messages up by "processed": an index of
// (status, id) moved two entries a message (out of "received", into "processed"), each a page
// written to the WAL and fsynced with the next acknowledged message. Partial indexes keep the
// states that are looked for: received (what a restart must still process), errored and
// filtered (what an operator reprocesses). Queries name the status as a literal
// (statusCondition), the only form that lets SQLite use a partial index.
std::vector<std::string> MessagesTable::schemaV6() {
  return {
      "DROP INDEX messages_status",
      "CREATE INDEX messages_received ON messages (id) WHERE status = 'received'",
      "CREATE INDEX messages_errored ON messages (id) WHERE status = 'errored'",
      "CREATE INDEX messages_filtered ON messages (id) WHERE status = 'filtered'",
  };
}

StatementCache& MessagesTable::writer() {
  if (statements_ == nullptr) throw std::logic_error("messages: a write on a read-only table view");
  return *statements_;
}

ReceivedId MessagesTable::insert(const NewMessage& message, std::int64_t now_ms) {
  if (message.duplicate_since_ms) {
    if (const auto original = findDuplicate(message.sender, message.control_id, *message.duplicate_since_ms)) {
      return {*original, true};
    }
  }
  auto st = writer().get(
      "INSERT INTO messages (channel, direction, raw, status, control_id, sender,"
      " message_type, received_at, updated_at)"
      " VALUES (?, ?, ?, 'received', ?, ?, ?, ?, ?)");
  st.bind(1, message.channel)
      .bind(2, toString(message.direction))
      .bindBlob(3, message.raw)
      .bind(4, message.control_id)
      .bind(5, message.sender)
      .bind(6, message.message_type)
      .bind(7, message.received_at_ms)
      .bind(8, now_ms);
  st.run();
  return {st.lastInsertId(), false};
}

bool MessagesTable::setOutcome(std::int64_t id, MessageStatus status,
                               const std::optional<std::string>& canonical_json,
                               const std::optional<std::string>& error, std::int64_t now_ms) {
  auto st = writer().get(
      "UPDATE messages SET status = ?, canonical = COALESCE(?, canonical), error = ?,"
      " updated_at = ? WHERE id = ? AND status IN ('received', 'errored')");
  st.bind(1, toString(status)).bind(2, canonical_json).bind(3, error).bind(4, now_ms).bind(5, id);
  st.run();
  return st.changes() > 0;
}

bool MessagesTable::reopen(std::int64_t id, std::int64_t now_ms) {
  Poco::Data::Statement st(session_);
  st << "UPDATE messages SET status = 'received', canonical = NULL, error = NULL, updated_at = ?"
        " WHERE id = ? AND status IN ('errored', 'filtered')",
      bind(now_ms), bind(id);
  return st.execute() > 0;
}

std::optional<std::int64_t> MessagesTable::findDuplicate(const std::string& sender,
                                                         const std::string& control_id,
                                                         std::int64_t since_ms) {
  // Without a control id there is nothing to compare: such messages are never duplicates.
  if (control_id.empty()) return std::nullopt;
  static constexpr const char* kSql =
      "SELECT id FROM messages WHERE sender = ? AND control_id = ? AND received_at >= ?"
      " ORDER BY received_at DESC, id DESC LIMIT 1";
  auto st = writer().get(kSql);
  st.bind(1, sender).bind(2, control_id).bind(3, since_ms);
  if (!st.step()) return std::nullopt;
  return st.int64(0);
}

std::vector<MessageRecord> MessagesTable::select(
    const std::string& where_order_limit, std::vector<Poco::Data::AbstractBinding::Ptr> params) {
  Columns columns;
  Statement st(session_);
  st << "SELECT " << kColumns << " FROM messages " << where_order_limit;
  for (auto& param : params) st, param;
  columns.intoStatement(st);
  st.execute();
  return columns.records();
}

std::optional<MessageRecord> MessagesTable::byId(std::int64_t id) {
  auto rows = select("WHERE id = ?", {bind(id)});
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<MessageRecord> MessagesTable::withStatus(MessageStatus status, std::size_t limit,
                                                     std::int64_t after_id) {
  if (limit == 0) return {};
  return select("WHERE " + statusCondition(status) + " AND id > ? ORDER BY id LIMIT ?",
                {bind(after_id), bind(static_cast<std::int64_t>(limit))});
}

std::vector<MessageRecord> MessagesTable::list(const MessageFilter& filter) {
  if (filter.limit == 0) return {};
  std::string where = "WHERE 1 = 1";
  std::vector<Poco::Data::AbstractBinding::Ptr> params;
  if (filter.control_id) {
    // No index starts with the control id, but the duplicate check's (sender, control_id,
    // received_at) holds it: scanning that small index finds the few matches without reading
    // a single message row (each holds its raw bytes), which a table scan would.
    where = "INDEXED BY messages_duplicate WHERE control_id = ?";
    params.push_back(bind(*filter.control_id));
  }
  if (filter.channel) {
    where += " AND channel = ?";
    params.push_back(bind(*filter.channel));
  }
  if (filter.status) where += " AND " + statusCondition(*filter.status);
  if (filter.before_id) {
    where += " AND id < ?";
    params.push_back(bind(*filter.before_id));
  }
  params.push_back(bind(static_cast<std::int64_t>(filter.limit)));
  return select(where + " ORDER BY id DESC LIMIT ?", std::move(params));
}

std::map<std::string, std::int64_t> MessagesTable::countByStatus() {
  std::map<std::string, std::int64_t> counts;
  for (auto status : {MessageStatus::Received, MessageStatus::Processed, MessageStatus::Errored,
                      MessageStatus::Filtered}) {
    counts[std::string(toString(status))] = 0;
  }
  // One statement, so one snapshot: each indexed state from its partial index, the total from
  // the smallest whole index, and processed as the rest.
  std::vector<std::string> statuses;
  std::vector<std::int64_t> numbers;
  std::string sql;
  for (auto status : {MessageStatus::Received, MessageStatus::Errored, MessageStatus::Filtered}) {
    sql += "SELECT '" + std::string(toString(status)) + "', COUNT(*) FROM messages WHERE " +
           statusCondition(status) + " UNION ALL ";
  }
  sql += "SELECT '', COUNT(*) FROM messages";
  session_ << sql, into(statuses), into(numbers), now;
  return countsWithRest(std::move(counts), statuses, numbers, std::string(toString(MessageStatus::Processed)));
}

}  // namespace ferry::store::sqlite
