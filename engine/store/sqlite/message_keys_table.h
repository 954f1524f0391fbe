#pragma once
// Business keys of messages (a claim number, a submission id), so that messages about the same
// thing can be found from each other: an insurer's remittance names the claim it answers, and
// the claim's message is found by the same key. Keys are identifiers of business documents,
// not patient identifiers.

#include <Poco/Data/Session.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/store/store.h"

namespace ferry::store::sqlite {

class MessageKeysTable {
 public:
  // Migration 2: the table and its look-up index.
  static std::vector<std::string> schemaV2();

  explicit MessageKeysTable(Poco::Data::Session& session) : session_(session) {}

  void insert(std::int64_t message_id, const MessageKey& key);
  // Messages holding the key, oldest first.
  std::vector<std::int64_t> messagesWith(const MessageKey& key);
  std::vector<MessageKey> keysOf(std::int64_t message_id);

 private:
  Poco::Data::Session& session_;
};

}  // namespace ferry::store::sqlite
