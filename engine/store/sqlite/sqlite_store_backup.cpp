// backupTo(): a consistent copy of the store while the engine runs. SQLite's VACUUM INTO reads
// the database in one read transaction (a snapshot: the writer goes on meanwhile) and writes a
// compact copy without a WAL, which opens on its own; copying the database file and its WAL by
// hand while commits land can give a copy that does not.
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "engine/store/sqlite/connection.h"
#include "engine/store/sqlite/sqlite_store.h"

namespace ferry::store::sqlite {

void SqliteStore::backupTo(const std::string& path) {
  if (path.empty()) throw std::invalid_argument("A backup needs a file name.");
  if (std::filesystem::exists(path)) {
    throw std::invalid_argument("'" + path + "' exists; a backup is written to a new file only.");
  }
  std::string cause;
  try {
    // A connection of its own, not a pooled reader: those are query_only, and VACUUM INTO
    // writes (only to the new file; the store itself is only read).
    Poco::Data::Session session = openConnection(path_, ConnectionRole::Reader, options_.busy_timeout_ms);
    session << "PRAGMA query_only = OFF", Poco::Data::Keywords::now;
    std::string target = path;
    session << "VACUUM INTO ?", Poco::Data::Keywords::use(target), Poco::Data::Keywords::now;
    return;
  } catch (const Poco::Exception& e) {
    cause = e.displayText();
  } catch (const std::exception& e) {
    cause = e.what();
  }
  std::error_code ignored;
  std::filesystem::remove(path, ignored);  // a half-written copy must not pass for a backup
  fail("write a backup to " + path, cause);
}

}  // namespace ferry::store::sqlite
