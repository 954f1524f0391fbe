#include "engine/store/sqlite/deliveries_table.h"

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

// Every index entry a delivery's change of status moves is a page written to the WAL and fsynced
// with the next acknowledged message. A delivered delivery is the common end and no query looks
// for it by status, so only the states that are looked for are indexed (partial indexes): a
// delivery leaves the due index when it is claimed and the open queue when it is settled, and a
// delivered one is in neither. Status counts add up the small indexes and take the delivered
// as the rest of the whole (countByStatus).
std::vector<std::string> DeliveriesTable::schemaV6() {
  return {
      "DROP INDEX deliveries_due",
      "CREATE INDEX deliveries_due ON deliveries (destination, next_attempt_at, id)"
      " WHERE status = 'pending'",
      // status in the key, so counting the open states reads this index alone; the entry of a
      // claimed delivery stays where it was, its (destination, id) being unique.
      "DROP INDEX deliveries_open",
      "CREATE INDEX deliveries_open ON deliveries (destination, id, status)"
      " WHERE status IN ('pending', 'in_flight')",
      "DROP INDEX deliveries_status",
      "CREATE INDEX deliveries_troubled ON deliveries (id, status)"
      " WHERE status IN ('failed', 'dead')",
  };
}

StatementCache& DeliveriesTable::writer() {
  if (statements_ == nullptr) throw std::logic_error("deliveries: a write on a read-only table view");
  return *statements_;
}

StatementCache& DeliveriesTable::queries() {
  if (queries_ == nullptr) {
    throw std::logic_error("deliveries: the queue's head needs cached statements");
  }
  return *queries_;
}

std::int64_t DeliveriesTable::insert(std::int64_t message_id, const NewDelivery& delivery,
                                     std::int64_t now_ms) {
  auto st = writer().get(
      "INSERT INTO deliveries (message_id, destination, status, attempts, next_attempt_at,"
      " payload, created_at, updated_at)"
      " VALUES (?, ?, 'pending', 0, ?, ?, ?, ?)");
  st.bind(1, message_id).bind(2, delivery.destination).bind(3, now_ms);
  st.bindBlob(4, delivery.payload).bind(5, now_ms).bind(6, now_ms);
  st.run();
  return st.lastInsertId();
}

std::vector<DeliveriesTable::QueueRow> DeliveriesTable::queueHead(const std::string& destination,
                                                                  std::int64_t now_ms,
                                                                  std::size_t limit,
                                                                  ClaimOrder order) {
  const auto max = static_cast<std::int64_t>(limit);
  // AnyDue: longest due first; (next_attempt_at, id) is the deliveries_due index order, so no
  // sorting. Fifo: the open queue from its head, in id order.
  const char* sql =
      order == ClaimOrder::AnyDue
          ? "SELECT id, status, next_attempt_at FROM deliveries WHERE destination = ?"
            " AND status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?"
          : "SELECT id, status, next_attempt_at FROM deliveries WHERE destination = ?"
            " AND status IN ('pending', 'in_flight') ORDER BY id LIMIT ?";
  auto st = queries().get(sql);
  st.bind(1, destination);
  if (order == ClaimOrder::AnyDue) {
    st.bind(2, now_ms).bind(3, max);
  } else {
    st.bind(2, max);
  }
  std::vector<QueueRow> rows;
  while (st.step()) rows.push_back({st.int64(0), st.text(1) == "pending", st.int64(2)});
  return rows;
}

std::vector<std::int64_t> DeliveriesTable::claimableIds(const std::string& destination,
                                                        std::int64_t now_ms, std::size_t limit,
                                                        ClaimOrder order) {
  std::vector<std::int64_t> ids;
  // FIFO stops at the first entry that may not go now (in flight with another worker, or
  // waiting for its retry time); AnyDue rows are all due already.
  for (const QueueRow& row : queueHead(destination, now_ms, limit, order)) {
    if (!row.pending || row.due > now_ms) break;
    ids.push_back(row.id);
  }
  return ids;
}

std::vector<DeliveryRecord> DeliveriesTable::claimDue(const std::string& destination,
                                                      std::int64_t now_ms, std::size_t limit,
                                                      ClaimOrder order) {
  if (limit == 0) return {};
  std::vector<DeliveryRecord> claimed;
  for (std::int64_t id : claimableIds(destination, now_ms, limit, order)) {
    auto claim = writer().get(
        "UPDATE deliveries SET status = 'in_flight', attempts = attempts + 1, updated_at = ?"
        " WHERE id = ?");
    claim.bind(1, now_ms).bind(2, id);
    claim.run();
    if (claim.changes() == 0) continue;
    // The message's raw bytes come along when the delivery has no payload of its own.
    auto st = writer().get(
        "SELECT d.id, d.message_id, d.destination, d.status, d.attempts, d.next_attempt_at,"
        " d.last_error, d.response, d.payload, d.created_at, d.updated_at,"
        " IIF(d.payload IS NULL, m.raw, NULL)"
        " FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE d.id = ?");
    st.bind(1, id);
    if (!st.step()) continue;
    DeliveryRecord r;
    r.id = st.int64(0);
    r.message_id = st.int64(1);
    r.destination = st.text(2);
    r.status = parseDeliveryStatus(st.text(3)).value_or(DeliveryStatus::InFlight);
    r.attempts = static_cast<int>(st.int64(4));
    r.next_attempt_at_ms = st.int64(5);
    r.last_error = st.optionalText(6);
    r.response = st.optionalText(7);
    r.payload = st.optionalText(8);
    r.created_at_ms = st.int64(9);
    r.updated_at_ms = st.int64(10);
    if (!r.payload) r.message_raw = st.optionalText(11);
    claimed.push_back(std::move(r));
  }
  return claimed;
}

bool DeliveriesTable::anyDue(const std::string& destination, std::int64_t now_ms,
                             ClaimOrder order) {
  return !claimableIds(destination, now_ms, 1, order).empty();
}

std::size_t DeliveriesTable::recoverInFlight(std::int64_t now_ms) {
  std::vector<std::int64_t> ids;
  // The IN term is the open queue index's condition word for word: it lets SQLite read that
  // index instead of every delivery ever made.
  session_ << "UPDATE deliveries SET status = 'pending', updated_at = ?"
              " WHERE status IN ('pending', 'in_flight') AND status = 'in_flight' RETURNING id",
      bind(now_ms), into(ids), now;
  return ids.size();
}

bool DeliveriesTable::settle(std::int64_t delivery_id, const Outcome& outcome,
                             std::int64_t now_ms, const std::optional<Claim>& claim) {
  auto st = writer().get(
      "UPDATE deliveries SET status = ?, next_attempt_at = COALESCE(?, next_attempt_at),"
      " last_error = COALESCE(?, last_error), response = COALESCE(?, response), updated_at = ?"
      " WHERE id = ? AND status = 'in_flight' AND (? OR (attempts = ? AND updated_at = ?))");
  st.bind(1, toString(outcome.status))
      .bind(2, outcome.next_attempt_at)
      .bind(3, outcome.error)
      .bindBlob(4, outcome.response)
      .bind(5, now_ms)
      .bind(6, delivery_id)
      .bind(7, std::int64_t{claim ? 0 : 1})
      .bind(8, std::int64_t{claim ? claim->attempts : 0})
      .bind(9, claim ? claim->claimed_at_ms : std::int64_t{0});
  st.run();
  return st.changes() > 0;
}

bool DeliveriesTable::release(std::int64_t delivery_id, std::int64_t now_ms) {
  auto st = writer().get(
      "UPDATE deliveries SET status = 'pending', attempts = MAX(attempts - 1, 0),"
      " updated_at = ? WHERE id = ? AND status = 'in_flight'");
  st.bind(1, now_ms).bind(2, delivery_id);
  st.run();
  return st.changes() > 0;
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
  // One statement, so one snapshot: the open and troubled states from their partial indexes
  // (conditions word for word), the total from the smallest whole index, delivered the rest.
  std::vector<std::string> statuses;
  std::vector<std::int64_t> numbers;
  session_ << "SELECT status, COUNT(*) FROM deliveries WHERE status IN ('pending', 'in_flight')"
              " GROUP BY status"
              " UNION ALL SELECT status, COUNT(*) FROM deliveries"
              " WHERE status IN ('failed', 'dead') GROUP BY status"
              " UNION ALL SELECT '', COUNT(*) FROM deliveries",
      into(statuses), into(numbers), now;
  return countsWithRest(std::move(counts), statuses, numbers, std::string(toString(DeliveryStatus::Delivered)));
}

std::vector<DeliveryQueue> DeliveriesTable::openQueues() {
  // Counted from the open queue index alone (it holds destination, id and status); only each
  // queue's head is read from the table, for its creation time: ids grow with time, so the
  // smallest open id is the oldest entry.
  std::vector<std::string> destinations;
  std::vector<std::int64_t> pending;
  std::vector<std::int64_t> in_flight;
  std::vector<std::int64_t> oldest;
  session_ << "SELECT q.destination, q.pending, q.in_flight, head.created_at FROM"
              " (SELECT destination, SUM(status = 'pending') AS pending,"
              "  SUM(status = 'in_flight') AS in_flight, MIN(id) AS head_id FROM deliveries"
              "  WHERE status IN ('pending', 'in_flight') GROUP BY destination) q"
              " JOIN deliveries head ON head.id = q.head_id ORDER BY q.destination",
      into(destinations), into(pending), into(in_flight), into(oldest), now;
  std::vector<DeliveryQueue> queues;
  queues.reserve(destinations.size());
  for (std::size_t i = 0; i < destinations.size(); ++i) {
    queues.push_back({destinations[i], pending[i], in_flight[i], oldest[i]});
  }
  return queues;
}

}  // namespace ferry::store::sqlite
