#include "engine/store/sqlite/deliveries_table.h"

#include <Poco/Data/Statement.h>

#include "engine/store/sqlite/blob.h"

namespace ferry::store::sqlite {

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace {

constexpr const char* kColumns =
    "id, message_id, destination, status, attempts, next_attempt_at, last_error, response, "
    "payload, created_at, updated_at";

struct Columns {
  std::vector<std::int64_t> id;
  std::vector<std::int64_t> message_id;
  std::vector<std::string> destination;
  std::vector<std::string> status;
  std::vector<int> attempts;
  std::vector<std::int64_t> next_attempt_at;
  std::vector<Poco::Nullable<std::string>> last_error;
  std::vector<Poco::Nullable<Poco::Data::BLOB>> response;
  std::vector<Poco::Nullable<Poco::Data::BLOB>> payload;
  std::vector<std::int64_t> created_at;
  std::vector<std::int64_t> updated_at;

  void intoStatement(Statement& st) {
    st, into(id), into(message_id), into(destination), into(status), into(attempts),
        into(next_attempt_at), into(last_error), into(response), into(payload), into(created_at),
        into(updated_at);
  }

  std::vector<DeliveryRecord> records() const {
    std::vector<DeliveryRecord> out(id.size());
    for (std::size_t i = 0; i < id.size(); ++i) {
      DeliveryRecord& r = out[i];
      r.id = id[i];
      r.message_id = message_id[i];
      r.destination = destination[i];
      r.status = parseDeliveryStatus(status[i]).value_or(DeliveryStatus::Pending);
      r.attempts = attempts[i];
      r.next_attempt_at_ms = next_attempt_at[i];
      r.last_error = fromNullable(last_error[i]);
      r.response = fromNullableBlob(response[i]);
      r.payload = fromNullableBlob(payload[i]);
      r.created_at_ms = created_at[i];
      r.updated_at_ms = updated_at[i];
    }
    return out;
  }
};

// An optional byte string as the (present, bytes) pair that IIF(?, COALESCE(?, x''), NULL) reads.
void bindOptionalBlob(Statement& st, const std::optional<std::string>& bytes) {
  st, bind(bytes.has_value() ? 1 : 0), bind(toBlob(bytes.value_or(std::string())));
}

}  // namespace

std::vector<std::string> DeliveriesTable::schemaV1() {
  return {
      "CREATE TABLE deliveries ("
      " id INTEGER PRIMARY KEY AUTOINCREMENT,"
      " message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
      " destination TEXT NOT NULL CHECK (destination <> ''),"
      " status TEXT NOT NULL DEFAULT 'pending'"
      "  CHECK (status IN ('pending', 'in_flight', 'delivered', 'failed', 'dead')),"
      " attempts INTEGER NOT NULL DEFAULT 0,"
      " next_attempt_at INTEGER NOT NULL,"
      " last_error TEXT,"
      " response BLOB,"
      " payload BLOB,"
      " created_at INTEGER NOT NULL,"
      " updated_at INTEGER NOT NULL)",
      "CREATE INDEX deliveries_due ON deliveries (destination, status, next_attempt_at, id)",
      // The open queue of each destination in id order: its head decides what may go next.
      "CREATE INDEX deliveries_open ON deliveries (destination, id)"
      " WHERE status IN ('pending', 'in_flight')",
      "CREATE INDEX deliveries_message ON deliveries (message_id)",
      "CREATE INDEX deliveries_status ON deliveries (status, id)",
  };
}

std::int64_t DeliveriesTable::insert(std::int64_t message_id, const NewDelivery& delivery,
                                     std::int64_t now_ms) {
  std::int64_t id = 0;
  Statement st(session_);
  st << "INSERT INTO deliveries (message_id, destination, status, attempts, next_attempt_at,"
        " payload, created_at, updated_at)"
        " VALUES (?, ?, 'pending', 0, ?, IIF(?, COALESCE(?, x''), NULL), ?, ?) RETURNING id",
      bind(message_id), useRef(delivery.destination), bind(now_ms);
  bindOptionalBlob(st, delivery.payload);
  st, bind(now_ms), bind(now_ms), into(id);
  st.execute();
  return id;
}

std::vector<std::int64_t> DeliveriesTable::claimableIds(const std::string& destination,
                                                        std::int64_t now_ms, std::size_t limit,
                                                        ClaimOrder order) {
  std::vector<std::int64_t> ids;
  const auto max = static_cast<std::int64_t>(limit);
  if (order == ClaimOrder::AnyDue) {
    // Longest due first; (next_attempt_at, id) is the deliveries_due index order: no sorting.
    session_ << "SELECT id FROM deliveries WHERE destination = ? AND status = 'pending'"
                " AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
        useRef(destination), bind(now_ms), bind(max), into(ids), now;
    return ids;
  }
  // FIFO: walk the open queue from its head and stop at the first entry that may not go now
  // (in flight with another worker, or waiting for its retry time).
  std::vector<std::int64_t> open_ids;
  std::vector<std::string> statuses;
  std::vector<std::int64_t> due;
  session_ << "SELECT id, status, next_attempt_at FROM deliveries"
              " WHERE destination = ? AND status IN ('pending', 'in_flight') ORDER BY id LIMIT ?",
      useRef(destination), bind(max), into(open_ids), into(statuses), into(due), now;
  for (std::size_t i = 0; i < open_ids.size(); ++i) {
    if (statuses[i] != "pending" || due[i] > now_ms) break;
    ids.push_back(open_ids[i]);
  }
  return ids;
}

std::vector<DeliveryRecord> DeliveriesTable::claimDue(const std::string& destination,
                                                      std::int64_t now_ms, std::size_t limit,
                                                      ClaimOrder order) {
  if (limit == 0) return {};
  std::vector<DeliveryRecord> claimed;
  for (std::int64_t id : claimableIds(destination, now_ms, limit, order)) {
    Columns columns;
    Statement st(session_);
    st << "UPDATE deliveries SET status = 'in_flight', attempts = attempts + 1, updated_at = ?"
          " WHERE id = ? RETURNING "
       << kColumns,
        bind(now_ms), bind(id);
    columns.intoStatement(st);
    st.execute();
    for (auto& record : columns.records()) claimed.push_back(std::move(record));
  }
  return claimed;
}

bool DeliveriesTable::anyDue(const std::string& destination, std::int64_t now_ms,
                             ClaimOrder order) {
  return !claimableIds(destination, now_ms, 1, order).empty();
}

std::size_t DeliveriesTable::recoverInFlight(std::int64_t now_ms) {
  std::vector<std::int64_t> ids;
  session_ << "UPDATE deliveries SET status = 'pending', updated_at = ?"
              " WHERE status = 'in_flight' RETURNING id",
      bind(now_ms), into(ids), now;
  return ids.size();
}

bool DeliveriesTable::settle(std::int64_t delivery_id, const Outcome& outcome,
                             std::int64_t now_ms, const std::optional<Claim>& claim) {
  std::vector<std::int64_t> changed;
  Statement st(session_);
  st << "UPDATE deliveries SET status = ?, next_attempt_at = COALESCE(?, next_attempt_at),"
        " last_error = COALESCE(?, last_error),"
        " response = IIF(?, COALESCE(?, x''), response), updated_at = ?"
        " WHERE id = ? AND status = 'in_flight' AND (? OR (attempts = ? AND updated_at = ?))"
        " RETURNING id",
      bind(std::string(toString(outcome.status)));
  Poco::Nullable<std::int64_t> next_attempt;
  if (outcome.next_attempt_at) next_attempt = *outcome.next_attempt_at;
  Poco::Nullable<std::string> error;
  if (outcome.error) error = *outcome.error;
  st, bind(next_attempt), bind(error);
  bindOptionalBlob(st, outcome.response);
  st, bind(now_ms), bind(delivery_id), bind(claim ? 0 : 1), bind(claim ? claim->attempts : 0),
      bind(claim ? claim->claimed_at_ms : std::int64_t{0}), into(changed);
  st.execute();
  return !changed.empty();
}

bool DeliveriesTable::release(std::int64_t delivery_id, std::int64_t now_ms) {
  std::vector<std::int64_t> changed;
  session_ << "UPDATE deliveries SET status = 'pending', attempts = MAX(attempts - 1, 0),"
              " updated_at = ? WHERE id = ? AND status = 'in_flight' RETURNING id",
      bind(now_ms), bind(delivery_id), into(changed), now;
  return !changed.empty();
}

bool DeliveriesTable::requeue(std::int64_t delivery_id, std::int64_t now_ms) {
  std::vector<std::int64_t> changed;
  session_ << "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?,"
              " updated_at = ? WHERE id = ? AND status IN ('failed', 'dead') RETURNING id",
      bind(now_ms), bind(now_ms), bind(delivery_id), into(changed), now;
  return !changed.empty();
}

std::vector<DeliveryRecord> DeliveriesTable::select(
    const std::string& where_order_limit, std::vector<Poco::Data::AbstractBinding::Ptr> params) {
  Columns columns;
  Statement st(session_);
  st << "SELECT " << kColumns << " FROM deliveries " << where_order_limit;
  for (auto& param : params) st, param;
  columns.intoStatement(st);
  st.execute();
  return columns.records();
}

std::optional<DeliveryRecord> DeliveriesTable::byId(std::int64_t delivery_id) {
  auto rows = select("WHERE id = ?", {bind(delivery_id)});
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<DeliveryRecord> DeliveriesTable::forMessage(std::int64_t message_id) {
  return select("WHERE message_id = ? ORDER BY id", {bind(message_id)});
}

std::vector<DeliveryRecord> DeliveriesTable::deadLetters(std::size_t limit,
                                                         std::int64_t after_id) {
  if (limit == 0) return {};
  return select("WHERE status IN ('failed', 'dead') AND id > ? ORDER BY id LIMIT ?",
                {bind(after_id), bind(static_cast<std::int64_t>(limit))});
}

std::map<std::string, std::int64_t> DeliveriesTable::countByStatus() {
  std::map<std::string, std::int64_t> counts;
  for (auto status : {DeliveryStatus::Pending, DeliveryStatus::InFlight, DeliveryStatus::Delivered,
                      DeliveryStatus::Failed, DeliveryStatus::Dead}) {
    counts[std::string(toString(status))] = 0;
  }
  std::vector<std::string> statuses;
  std::vector<std::int64_t> numbers;
  session_ << "SELECT status, COUNT(*) FROM deliveries GROUP BY status", into(statuses),
      into(numbers), now;
  for (std::size_t i = 0; i < statuses.size(); ++i) counts[statuses[i]] = numbers[i];
  return counts;
}

}  // namespace ferry::store::sqlite
