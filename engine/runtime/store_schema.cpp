#include "engine/runtime/store_schema.h"

#include <algorithm>

#include "engine/runtime/event_bus.h"

namespace ferry::runtime {

namespace {

std::string refusal(const EngineConfig& config, int version,
                    const std::vector<store::SchemaMigration>& pending) {
  std::string listed;
  for (const auto& m : pending) {
    listed += (listed.empty() ? "" : ", ") + std::to_string(m.version) + " (" + m.name + ")";
  }
  const bool one = pending.size() == 1;
  return "The store " + config.store.path + " is at schema version " + std::to_string(version) +
         " and this build of Ferry needs migration" + (one ? " " : "s ") + listed +
         "; ferry.json has \"migrations\": \"manual\", so nothing was changed: run `ferry migrate " +
         config.folder + "` to apply " + (one ? "it" : "them") + ", then try again.";
}

}  // namespace

std::vector<store::SchemaMigration> pendingOf(const std::vector<store::SchemaMigration>& schema) {
  std::vector<store::SchemaMigration> pending;
  for (const auto& m : schema) {
    if (!m.applied_at_ms) pending.push_back(m);
  }
  return pending;
}

int schemaVersion(const std::vector<store::SchemaMigration>& schema) {
  int version = 0;
  for (const auto& m : schema) {
    if (m.applied_at_ms) version = std::max(version, m.version);
  }
  return version;
}

SchemaUpgrade upgradeSchema(store::Store& store, const EngineConfig& config) {
  const std::vector<store::SchemaMigration> schema = store.schemaMigrations();
  const std::vector<store::SchemaMigration> pending = pendingOf(schema);
  SchemaUpgrade upgrade;
  if (pending.empty()) return upgrade;
  upgrade.created = pending.size() == schema.size();
  if (config.store.migrations == "manual" && !upgrade.created) {
    throw SchemaUpgradeRequired(refusal(config, schemaVersion(schema), pending));
  }
  // Another process may have applied some meanwhile: migrate() returns what this one applied.
  upgrade.applied = store.migrate();
  return upgrade;
}

void logMigrations(JsonLog& log, const std::string& store_path, const SchemaUpgrade& upgrade) {
  for (const auto& m : upgrade.applied) {
    log.line(logLineStart(LogLevel::Info, "store.migrated") + ",\"store\":\"" + jsonEscape(store_path) +
             "\",\"version\":" + std::to_string(m.version) + ",\"name\":\"" + jsonEscape(m.name) +
             "\",\"new_store\":" + (upgrade.created ? "true" : "false") + "}");
  }
}

}  // namespace ferry::runtime
