#pragma once
// Operators' switches per channel, kept in the store so that they survive a restart and the
// running engine sees a change made by `ferry pause` from another process. Today the one switch
// is "deliveries paused": messages are still received, stored and acknowledged; they wait in
// their destination queues until the channel is resumed.

#include <Poco/Data/Session.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace ferry::store::sqlite {

class ChannelStatesTable {
 public:
  // Migration 3: the table.
  static std::vector<std::string> schemaV3();

  explicit ChannelStatesTable(Poco::Data::Session& session) : session_(session) {}

  // True when the state changed (pausing a paused channel changes nothing).
  bool setPaused(const std::string& channel, bool paused, std::int64_t now_ms);
  std::set<std::string> paused();

 private:
  Poco::Data::Session& session_;
};

}  // namespace ferry::store::sqlite
