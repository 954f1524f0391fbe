#pragma once
// Every statement Ferry runs on the events table, and the table's schema steps. An event is one
// state change of a message or delivery (received, routed, delivered, ...), kept for the
// message's history view; its detail is short and structural, never patient data.

#include <Poco/Data/Session.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/store/sqlite/statement_cache.h"
#include "engine/store/store.h"

namespace ferry::store::sqlite {

class EventsTable {
 public:
  // Migration 1: the table and its index.
  static std::vector<std::string> schemaV1();
  // Migration 6: the delivery index leaves out the events of messages (no delivery).
  static std::vector<std::string> schemaV6();

  // Reads only (a reader connection).
  explicit EventsTable(Poco::Data::Session& session) : session_(session) {}
  // The writer connection: insert runs its cached statement.
  EventsTable(Poco::Data::Session& session, StatementCache& statements)
      : session_(session), statements_(&statements) {}

  std::int64_t insert(const Event& event);
  // Several events in order, with as few statements as it takes; their ids, in the same order.
  std::vector<std::int64_t> insertAll(const std::vector<Event>& events);
  std::vector<Event> forMessage(std::int64_t message_id);
  // The channel's own events (no message: paused, resumed), the newest `limit`, oldest first.
  std::vector<Event> forChannel(const std::string& channel, std::size_t limit);

 private:
  template <class Key>
  std::vector<Event> select(const std::string& where_order, const Key& key);

  Poco::Data::Session& session_;
  StatementCache* statements_ = nullptr;
};

}  // namespace ferry::store::sqlite
