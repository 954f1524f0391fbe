#include "engine/store/sqlite/message_keys_table.h"

#include <Poco/Data/Statement.h>

namespace ferry::store::sqlite {

using namespace Poco::Data::Keywords;

std::vector<std::string> MessageKeysTable::schemaV2() {
  return {
      "CREATE TABLE message_keys ("
      " message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
      " kind TEXT NOT NULL CHECK (kind <> ''),"
      " value TEXT NOT NULL CHECK (value <> ''),"
      " PRIMARY KEY (message_id, kind, value))",
      "CREATE INDEX message_keys_lookup ON message_keys (kind, value, message_id)",
  };
}

void MessageKeysTable::insert(std::int64_t message_id, const MessageKey& key) {
  session_ << "INSERT OR IGNORE INTO message_keys (message_id, kind, value) VALUES (?, ?, ?)",
      bind(message_id), useRef(key.kind), useRef(key.value), now;
}

std::vector<std::int64_t> MessageKeysTable::messagesWith(const MessageKey& key) {
  std::vector<std::int64_t> ids;
  session_ << "SELECT message_id FROM message_keys WHERE kind = ? AND value = ? ORDER BY message_id",
      useRef(key.kind), useRef(key.value), into(ids), now;
  return ids;
}

std::vector<MessageKey> MessageKeysTable::keysOf(std::int64_t message_id) {
  std::vector<std::string> kinds;
  std::vector<std::string> values;
  session_ << "SELECT kind, value FROM message_keys WHERE message_id = ? ORDER BY kind, value",
      bind(message_id), into(kinds), into(values), now;
  std::vector<MessageKey> keys(kinds.size());
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = {kinds[i], values[i]};
  return keys;
}

}  // namespace ferry::store::sqlite
