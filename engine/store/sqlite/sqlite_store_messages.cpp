// The store's writes of messages: received messages and their processing outcomes. Split from
// sqlite_store.cpp by subject.
#include <stdexcept>
#include <string>

#include "engine/store/sqlite/deliveries_table.h"
#include "engine/store/sqlite/message_keys_table.h"
#include "engine/store/sqlite/messages_table.h"
#include "engine/store/sqlite/sqlite_store_calls.h"

namespace ferry::store::sqlite {

using Poco::Data::Session;

namespace {

// Checked before the transaction starts: a caller's mistake in one entry must fail the call as
// a whole, not leave half a batch written.
void checkOutcome(const ProcessedMessage& outcome) {
  const std::string which = "Message " + std::to_string(outcome.id) + ": ";
  if (outcome.status == MessageStatus::Received) {
    throw std::invalid_argument(which + "'received' is not a processing outcome.");
  }
  if (outcome.status != MessageStatus::Processed && !outcome.deliveries.empty()) {
    throw std::invalid_argument(which + "only a processed message is routed to deliveries.");
  }
}

// One processing outcome inside the caller's transaction; false (and no deliveries) when the
// message is not in a state that allows it.
bool applyOutcome(Session& session, StatementCache& statements, const ProcessedMessage& outcome,
                  std::int64_t now_ms) {
  if (!MessagesTable(session, statements).setOutcome(outcome.id, outcome.status, outcome.canonical_json,
                                         outcome.error, now_ms)) {
    return false;
  }
  DeliveriesTable deliveries(session, statements);
  for (const auto& delivery : outcome.deliveries) deliveries.insert(outcome.id, delivery, now_ms);
  MessageKeysTable keys(session);
  for (const auto& key : outcome.keys) keys.insert(outcome.id, key);
  return true;
}

}  // namespace

ReceivedId SqliteStore::insertReceived(const NewMessage& message) {
  return write("commit a received message", [&](Session& s, std::int64_t now_ms) {
    return MessagesTable(s, *statements_).insert(message, now_ms);
  });
}

std::vector<ReceivedId> SqliteStore::insertReceivedBatch(const std::vector<NewMessage>& messages) {
  if (messages.empty()) return {};
  return write("commit a batch of received messages", [&](Session& s, std::int64_t now_ms) {
    MessagesTable table(s, *statements_);
    std::vector<ReceivedId> ids;
    ids.reserve(messages.size());
    for (const auto& message : messages) ids.push_back(table.insert(message, now_ms));
    return ids;
  });
}

bool SqliteStore::markProcessed(std::int64_t id, const std::string& canonical_json) {
  return markProcessedAndRoute(id, canonical_json, {});
}

bool SqliteStore::markProcessedAndRoute(std::int64_t id, const std::string& canonical_json,
                                        const std::vector<NewDelivery>& deliveries) {
  const ProcessedMessage outcome{id, MessageStatus::Processed, canonical_json, std::nullopt,
                                 deliveries, {}};
  return write("mark a message processed and route it", [&](Session& s, std::int64_t now_ms) {
    return applyOutcome(s, *statements_, outcome, now_ms);
  }, /*relaxed=*/true);
}

bool SqliteStore::markErrored(std::int64_t id, const std::string& error) {
  const ProcessedMessage outcome{id, MessageStatus::Errored, std::nullopt, error, {}, {}};
  return write("mark a message errored", [&](Session& s, std::int64_t now_ms) {
    return applyOutcome(s, *statements_, outcome, now_ms);
  }, /*relaxed=*/true);
}

bool SqliteStore::markFiltered(std::int64_t id, const std::string& reason) {
  const ProcessedMessage outcome{id, MessageStatus::Filtered, std::nullopt, reason, {}, {}};
  return write("mark a message filtered", [&](Session& s, std::int64_t now_ms) {
    return applyOutcome(s, *statements_, outcome, now_ms);
  }, /*relaxed=*/true);
}

std::vector<bool> SqliteStore::recordProcessed(const std::vector<ProcessedMessage>& outcomes) {
  if (outcomes.empty()) return {};
  for (const auto& outcome : outcomes) checkOutcome(outcome);
  return write("record processing outcomes", [&](Session& s, std::int64_t now_ms) {
    std::vector<bool> applied;
    applied.reserve(outcomes.size());
    for (const auto& outcome : outcomes) applied.push_back(applyOutcome(s, *statements_, outcome, now_ms));
    return applied;
  }, /*relaxed=*/true);
}

}  // namespace ferry::store::sqlite
