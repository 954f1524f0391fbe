#pragma once
// The trail of configuration changes: one row per revision of the configuration folder in
// config_revisions (when, who, why, digest, summary), its files in config_revision_files (path,
// sha256, size, and the content as it was, so an auditor can read an old configuration), and
// the store's secret salt in config_secret_salt. Rows are only ever added, never purged.

#include <Poco/Data/Session.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/store/store.h"

namespace ferry::store::sqlite {

class ConfigRevisionsTable {
 public:
  // Migration 5: the tables, and the salt made once (randomblob) as the migration runs.
  static std::vector<std::string> schemaV5();

  // 64 lowercase hex characters, as SHA-256 digests are kept.
  static bool isDigest(std::string_view text);

  explicit ConfigRevisionsTable(Poco::Data::Session& session) : session_(session) {}

  // The newest revision without its files; nullopt when none is recorded.
  std::optional<ConfigRevision> latest();
  // Records `revision` with its files (its id ignored) and returns the new row's id.
  std::int64_t insert(const ConfigRevision& revision, std::int64_t now_ms);
  // Newest first, ids below before_id (0: all), without files.
  std::vector<ConfigRevision> list(std::size_t limit, std::int64_t before_id);
  // With files and contents.
  std::optional<ConfigRevision> byId(std::int64_t id);
  std::string salt();

 private:
  std::vector<ConfigFile> filesOf(std::int64_t id);

  Poco::Data::Session& session_;
};

}  // namespace ferry::store::sqlite
