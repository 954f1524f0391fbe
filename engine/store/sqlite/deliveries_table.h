#pragma once
// Every statement Ferry runs on the deliveries table, and the table's schema steps. A delivery
// is one (message, destination) pair: a durable queue entry with its attempts, next attempt
// time, last error and the peer's reply. Schema steps belong to numbered migrations and are
// never edited once released.

#include <Poco/Data/Session.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/sqlite/statement_cache.h"
#include "engine/store/store.h"

namespace ferry::store::sqlite {

class DeliveriesTable {
 public:
  // Migration 1: the table and its indexes.
  static std::vector<std::string> schemaV1();
  // Migration 6: indexes hold only the states a query looks for (see the .cpp).
  static std::vector<std::string> schemaV6();

  // Reads only (a reader connection), through Poco; anyDue needs the form below.
  explicit DeliveriesTable(Poco::Data::Session& session) : session_(session) {}
  // The writer connection: the per-message writes (insert, claim, settle, release) and the
  // look at the queue's head run its cached statements.
  DeliveriesTable(Poco::Data::Session& session, StatementCache& statements)
      : session_(session), statements_(&statements), queries_(&statements) {}
  // Reads only, with the reader connection's cached statements for the queue's head, which
  // every delivery worker reads before each batch.
  static DeliveriesTable reader(Poco::Data::Session& session, StatementCache& queries) {
    DeliveriesTable table(session);
    table.queries_ = &queries;
    return table;
  }

  std::int64_t insert(std::int64_t message_id, const NewDelivery& delivery, std::int64_t now_ms);
  // Must run inside a write transaction: it reads the queue head, then claims. Each record
  // without a payload of its own carries its message's raw bytes in message_raw.
  std::vector<DeliveryRecord> claimDue(const std::string& destination, std::int64_t now_ms,
                                       std::size_t limit, ClaimOrder order);
  // Whether claimDue would claim anything now; a read, fine on a read-only connection.
  bool anyDue(const std::string& destination, std::int64_t now_ms, ClaimOrder order);
  std::size_t recoverInFlight(std::int64_t now_ms);

  // The settled state of an in-flight delivery; false when it is not in flight.
  struct Outcome {
    DeliveryStatus status = DeliveryStatus::Delivered;
    std::optional<std::string> error;            // kept as last_error when set
    std::optional<std::string> response;         // stored when set
    std::optional<std::int64_t> next_attempt_at;  // Pending only
  };
  // With `claim`, only that claim of the delivery (attempt count and claim time, as claimDue
  // returned them) is settled: a note made for one claim must never settle a later one.
  struct Claim {
    int attempts = 0;
    std::int64_t claimed_at_ms = 0;
  };
  bool settle(std::int64_t delivery_id, const Outcome& outcome, std::int64_t now_ms,
              const std::optional<Claim>& claim = std::nullopt);
  bool release(std::int64_t delivery_id, std::int64_t now_ms);
  bool requeue(std::int64_t delivery_id, std::int64_t now_ms);

  std::optional<DeliveryRecord> byId(std::int64_t delivery_id);
  std::vector<DeliveryRecord> forMessage(std::int64_t message_id);
  std::vector<DeliveryRecord> deadLetters(std::size_t limit, std::int64_t after_id);
  std::map<std::string, std::int64_t> countByStatus();
  std::vector<DeliveryQueue> openQueues();

 private:
  std::vector<DeliveryRecord> select(const std::string& where_order_limit,
                                     std::vector<Poco::Data::AbstractBinding::Ptr> params);
  std::vector<std::int64_t> claimableIds(const std::string& destination, std::int64_t now_ms,
                                         std::size_t limit, ClaimOrder order);

  // The open head of a destination's queue, (id, status, next_attempt_at) in id order, read
  // with the connection's cached statements.
  struct QueueRow {
    std::int64_t id = 0;
    bool pending = false;
    std::int64_t due = 0;
  };
  std::vector<QueueRow> queueHead(const std::string& destination, std::int64_t now_ms,
                                  std::size_t limit, ClaimOrder order);
  StatementCache& writer();
  StatementCache& queries();

  Poco::Data::Session& session_;
  StatementCache* statements_ = nullptr;  // the writer's: writes are allowed
  StatementCache* queries_ = nullptr;     // the connection's, writer or reader: hot reads
};

}  // namespace ferry::store::sqlite
