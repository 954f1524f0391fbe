#include "engine/store/sqlite/config_revisions_table.h"

#include <Poco/Data/LOB.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <limits>

#include "engine/store/sqlite/blob.h"

namespace ferry::store::sqlite {

using namespace Poco::Data::Keywords;

std::vector<std::string> ConfigRevisionsTable::schemaV5() {
  return {
      // AUTOINCREMENT like purges: a revision's id is never given to another one.
      "CREATE TABLE config_revisions ("
      " id INTEGER PRIMARY KEY AUTOINCREMENT,"
      " recorded_at INTEGER NOT NULL,"
      " actor TEXT NOT NULL CHECK (actor <> ''),"
      " reason TEXT NOT NULL DEFAULT '',"
      " digest TEXT NOT NULL CHECK (length(digest) = 64),"
      " summary TEXT NOT NULL DEFAULT '')",
      // Every file of every revision, unchanged ones too: a revision reads back on its own,
      // and a configuration is small next to the messages the store keeps.
      "CREATE TABLE config_revision_files ("
      " revision_id INTEGER NOT NULL REFERENCES config_revisions (id),"
      " path TEXT NOT NULL CHECK (path <> ''),"
      " sha256 TEXT NOT NULL,"
      " size INTEGER NOT NULL,"
      " secret INTEGER NOT NULL CHECK (secret IN (0, 1)),"
      " content BLOB,"
      " CHECK (secret = 0 OR content IS NULL),"
      " PRIMARY KEY (revision_id, path)) WITHOUT ROWID",
      "CREATE TABLE config_secret_salt ("
      " id INTEGER PRIMARY KEY CHECK (id = 1),"
      " salt TEXT NOT NULL)",
      "INSERT INTO config_secret_salt (id, salt) VALUES (1, lower(hex(randomblob(32))))",
  };
}

bool ConfigRevisionsTable::isDigest(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::optional<ConfigRevision> ConfigRevisionsTable::latest() {
  auto rows = list(1, 0);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::int64_t ConfigRevisionsTable::insert(const ConfigRevision& revision, std::int64_t now_ms) {
  // Rare (one per configuration change): no cached statements.
  std::int64_t id = 0;
  session_ << "INSERT INTO config_revisions (recorded_at, actor, reason, digest, summary)"
              " VALUES (?, ?, ?, ?, ?) RETURNING id",
      bind(now_ms), useRef(revision.actor), useRef(revision.reason), useRef(revision.digest),
      useRef(revision.summary), into(id), now;
  for (const ConfigFile& file : revision.files) {
    const int secret = file.secret ? 1 : 0;
    // blob.h: Poco binds an empty BLOB as NULL, so presence travels as its own flag.
    const int present = !file.secret && file.content ? 1 : 0;
    const Poco::Data::BLOB content = toBlob(present ? *file.content : std::string());
    session_ << "INSERT INTO config_revision_files (revision_id, path, sha256, size, secret, content)"
                " VALUES (?, ?, ?, ?, ?, IIF(?, COALESCE(?, x''), NULL))",
        bind(id), useRef(file.path), useRef(file.sha256), bind(file.size), bind(secret),
        bind(present), bind(content), now;
  }
  return id;
}

std::vector<ConfigRevision> ConfigRevisionsTable::list(std::size_t limit, std::int64_t before_id) {
  std::vector<std::int64_t> ids, ats;
  std::vector<std::string> actors, reasons, digests, summaries;
  const std::int64_t below = before_id > 0 ? before_id : std::numeric_limits<std::int64_t>::max();
  session_ << "SELECT id, recorded_at, actor, reason, digest, summary FROM config_revisions"
              " WHERE id < ? ORDER BY id DESC LIMIT ?",
      bind(below), bind(static_cast<std::int64_t>(limit)), into(ids), into(ats), into(actors),
      into(reasons), into(digests), into(summaries), now;
  std::vector<ConfigRevision> rows(ids.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i] = {ids[i], ats[i], actors[i], reasons[i], digests[i], summaries[i], {}};
  }
  return rows;
}

std::optional<ConfigRevision> ConfigRevisionsTable::byId(std::int64_t id) {
  auto rows = list(1, id + 1);
  if (rows.empty() || rows.front().id != id) return std::nullopt;
  rows.front().files = filesOf(id);
  return std::move(rows.front());
}

std::vector<ConfigFile> ConfigRevisionsTable::filesOf(std::int64_t id) {
  std::vector<std::string> paths, hashes;
  std::vector<std::int64_t> sizes;
  std::vector<int> secrets;
  std::vector<Poco::Nullable<Poco::Data::BLOB>> contents;
  session_ << "SELECT path, sha256, size, secret, content FROM config_revision_files"
              " WHERE revision_id = ? ORDER BY path",
      bind(id), into(paths), into(hashes), into(sizes), into(secrets), into(contents), now;
  std::vector<ConfigFile> files(paths.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    files[i] = {paths[i], hashes[i], sizes[i], secrets[i] != 0, fromNullableBlob(contents[i])};
  }
  return files;
}

std::string ConfigRevisionsTable::salt() {
  std::string salt;
  session_ << "SELECT salt FROM config_secret_salt WHERE id = 1", into(salt), now;
  return salt;
}

}  // namespace ferry::store::sqlite
