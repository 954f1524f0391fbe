#include "engine/store/sqlite/channel_states_table.h"

#include <Poco/Data/Statement.h>

namespace ferry::store::sqlite {

using namespace Poco::Data::Keywords;

std::vector<std::string> ChannelStatesTable::schemaV3() {
  return {
      "CREATE TABLE channel_states ("
      " channel TEXT PRIMARY KEY CHECK (channel <> ''),"
      " paused INTEGER NOT NULL CHECK (paused IN (0, 1)),"
      " changed_at INTEGER NOT NULL)",
  };
}

bool ChannelStatesTable::setPaused(const std::string& channel, bool paused, std::int64_t now_ms) {
  const int flag = paused ? 1 : 0;
  Poco::Data::Statement st(session_);
  st << "INSERT INTO channel_states (channel, paused, changed_at) VALUES (?, ?, ?)"
        " ON CONFLICT (channel) DO UPDATE SET paused = excluded.paused, changed_at = excluded.changed_at"
        " WHERE paused <> excluded.paused",
      useRef(channel), bind(flag), bind(now_ms);
  return st.execute() > 0;
}

std::set<std::string> ChannelStatesTable::paused() {
  std::vector<std::string> channels;
  session_ << "SELECT channel FROM channel_states WHERE paused = 1", into(channels), now;
  return {channels.begin(), channels.end()};
}

}  // namespace ferry::store::sqlite
