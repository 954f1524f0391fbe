// ferry migrate CONFIG [--dry-run]: the schema migrations of a configuration's store, applied on
// an operator's word. With "store": {"migrations": "manual"} in ferry.json, `ferry run` and the
// operator commands refuse a store whose schema is older than this build's (store_schema.h);
// this command is how it gets upgraded, at the moment the operator chooses (after a backup, say),
// whatever the setting says. --dry-run shows what would be applied and changes nothing.

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>

#include "engine/cli/command.h"
#include "engine/cli/operator_support.h"
#include "engine/runtime/config.h"
#include "engine/runtime/store_schema.h"
#include "engine/store/sqlite/sqlite_store.h"

namespace ferry::cli {

namespace {

constexpr const char* kUsage = "usage: ferry migrate CONFIG [--dry-run]\n";

// One line a migration: version, "applied <time>" or "pending", name.
void printSchema(const std::vector<store::SchemaMigration>& schema) {
  for (const auto& m : schema) {
    const std::string state = m.applied_at_ms ? "applied " + isoTime(*m.applied_at_ms) : "pending";
    std::cout << std::right << std::setw(4) << m.version << "  " << std::left << std::setw(28) << state
              << "  " << m.name << '\n';
  }
}

// The schema of a store file that does not exist yet: every migration of this build, pending.
std::vector<store::SchemaMigration> noStoreYet() {
  std::vector<store::SchemaMigration> schema;
  for (const auto& m : store::sqlite::sqliteMigrations()) schema.push_back({m.version, m.name, std::nullopt});
  return schema;
}

}  // namespace

int migrateCommand(const Args& args) {
  std::string folder;
  bool dry_run = false;
  for (const auto& arg : args) {
    if (arg == "--dry-run") {
      dry_run = true;
    } else if (arg.rfind("--", 0) == 0 || !folder.empty()) {
      std::cerr << kUsage;
      return 2;
    } else {
      folder = arg;
    }
  }
  if (folder.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const runtime::ConfigLoad load = runtime::loadConfig(folder);
  if (!load.ok()) {
    for (const auto& e : load.errors) std::cerr << "ferry: " << folder << "/" << e.describe() << '\n';
    return 1;
  }
  const std::string& path = load.config.store.path;
  std::cout << "store: " << path << '\n';
  if (dry_run && !std::filesystem::exists(path)) {
    // Opening would create the file: a dry run leaves the disk as it found it.
    const auto schema = noStoreYet();
    printSchema(schema);
    std::cout << schema.size() << " pending (the store does not exist yet; --dry-run: nothing applied)\n";
    return 0;
  }
  try {
    store::sqlite::SqliteOptions options;
    options.migrate_on_open = false;  // refuses a history that does not match this build
    const auto store = store::openSqliteStore(path, std::move(options));
    const auto schema = store->schemaMigrations();
    printSchema(schema);
    const std::size_t pending = runtime::pendingOf(schema).size();
    if (pending == 0) {
      std::cout << "up to date\n";
      return 0;
    }
    if (dry_run) {
      std::cout << pending << " pending (--dry-run: nothing applied)\n";
      return 0;
    }
    // One transaction for all of them: a failure leaves the store as it was.
    const auto applied = store->migrate();
    for (const auto& m : applied) std::cout << "applied " << m.version << ": " << m.name << '\n';
    if (applied.empty()) std::cout << "up to date (another process applied them meanwhile)\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "ferry: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace ferry::cli
