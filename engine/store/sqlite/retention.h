#pragma once
// Which messages retention may remove, and removing them (Store::purgeFinished).
//
// A message is eligible when Ferry is done with it and nothing about it has changed for the
// retention time: its status is processed, filtered or errored, and its own updated_at and the
// updated_at of every delivery are before the cutoff, with no delivery pending or in flight.
// The clock is updated_at, not received_at: updated_at is stamped by the store's own clock at
// the last change (processing, a retry settled, an operator's requeue), so a message is kept
// for the whole retention time after its last delivery was settled, however long its retries
// took or however late it was processed, and an operator always has that long to requeue a
// dead letter. A message still received or owed to a destination is never eligible.

#include <Poco/Data/Session.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/store/sqlite/statement_cache.h"
#include "engine/store/store.h"

namespace ferry::store::sqlite {

class Retention {
 public:
  // Migration 4: the index that finds eligible messages oldest first without scanning the
  // table (received messages, a few at any time, are left out of it).
  static std::vector<std::string> schemaV4();
  // The statement choosing eligible ids, oldest first: ?1 the cutoff, ?2 how many.
  static const std::string& candidatesSql();

  // Reads only (a reader connection): count().
  explicit Retention(Poco::Data::Session& session) : session_(session) {}
  // The writer connection, inside the caller's transaction: purge().
  Retention(Poco::Data::Session& session, StatementCache& statements)
      : session_(session), statements_(&statements) {}

  // Removes up to `max_messages` eligible messages with their deliveries, events and keys and
  // records the purge (PurgesTable), when there was anything to remove.
  PurgeResult purge(std::int64_t cutoff_ms, std::size_t max_messages, std::string_view actor,
                    std::string_view reason, std::int64_t now_ms);
  std::int64_t count(std::int64_t cutoff_ms);

 private:
  std::vector<std::int64_t> candidates(std::int64_t cutoff_ms, std::size_t limit);
  // Deletes one message and what belongs to it; adds what went to the record's counts.
  void remove(std::int64_t message_id, PurgeRecord& purge);
  StatementCache& writer();

  Poco::Data::Session& session_;
  StatementCache* statements_ = nullptr;
};

}  // namespace ferry::store::sqlite
