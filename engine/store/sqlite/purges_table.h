#pragma once
// The audit trail of retention: one row per purge of finished messages (Store::purgeFinished).
// Purging a message deletes its events too, so without this table nothing would tell an auditor
// that the message existed and was removed on purpose. Rows are only ever added, never purged.

#include <Poco/Data/Session.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/store/store.h"

namespace ferry::store::sqlite {

class PurgesTable {
 public:
  // Migration 4: the table.
  static std::vector<std::string> schemaV4();

  explicit PurgesTable(Poco::Data::Session& session) : session_(session) {}

  // Records `purge` (its id is ignored) and returns the new row's id.
  std::int64_t insert(const PurgeRecord& purge);
  // Newest first.
  std::vector<PurgeRecord> latest(std::size_t limit);

 private:
  Poco::Data::Session& session_;
};

}  // namespace ferry::store::sqlite
