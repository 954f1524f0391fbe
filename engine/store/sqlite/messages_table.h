#pragma once
// Every statement Ferry runs on the messages table, and the table's schema steps. A message is
// the raw bytes of one received message, committed before it is acknowledged, plus the state of
// its processing. The schema steps are part of numbered migrations (migrations.cpp): once
// released, a step is never edited; a change is a new step in a new migration.

#include <Poco/Data/Session.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/sqlite/statement_cache.h"
#include "engine/store/store.h"

namespace ferry::store::sqlite {

class MessagesTable {
 public:
  // Migration 1: the table and its indexes.
  static std::vector<std::string> schemaV1();
  // Migration 6: a status index only for the states a query looks for (see the .cpp).
  static std::vector<std::string> schemaV6();

  // Reads only (a reader connection).
  explicit MessagesTable(Poco::Data::Session& session) : session_(session) {}
  // With the writer's compiled statements (insert, with its duplicate check, and setOutcome
  // run them).
  MessagesTable(Poco::Data::Session& session, StatementCache& statements)
      : session_(session), statements_(&statements) {}

  // Inserts the message, unless its duplicate check (NewMessage::duplicate_since_ms) finds an
  // earlier one: on the writer, inside the caller's transaction.
  ReceivedId insert(const NewMessage& message, std::int64_t now_ms);
  // Applies to a received or errored message only; false otherwise (or when id is unknown).
  bool setOutcome(std::int64_t id, MessageStatus status,
                  const std::optional<std::string>& canonical_json,
                  const std::optional<std::string>& error, std::int64_t now_ms);
  // An errored or filtered message back to 'received', error and canonical JSON cleared;
  // false when it is neither.
  bool reopen(std::int64_t id, std::int64_t now_ms);

  std::optional<MessageRecord> byId(std::int64_t id);
  std::vector<MessageRecord> withStatus(MessageStatus status, std::size_t limit,
                                        std::int64_t after_id);
  std::vector<MessageRecord> list(const MessageFilter& filter);
  std::map<std::string, std::int64_t> countByStatus();

 private:
  // The newest message from `sender` with `control_id` received at or after since_ms.
  std::optional<std::int64_t> findDuplicate(const std::string& sender,
                                            const std::string& control_id, std::int64_t since_ms);
  std::vector<MessageRecord> select(const std::string& where_order_limit,
                                    std::vector<Poco::Data::AbstractBinding::Ptr> params);

  StatementCache& writer();

  Poco::Data::Session& session_;
  StatementCache* statements_ = nullptr;
};

}  // namespace ferry::store::sqlite
