#include "engine/cli/operator_support.h"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <exception>
#include <iostream>

#include "engine/runtime/store_schema.h"
#include "engine/store/sqlite/sqlite_store.h"

namespace ferry::cli {

std::unique_ptr<store::Store> openOperatorStore(const std::string& folder, runtime::EngineConfig* config) {
  runtime::ConfigLoad load = runtime::loadConfig(folder);
  if (!load.ok()) {
    for (const auto& e : load.errors) std::cerr << "ferry: " << folder << "/" << e.describe() << '\n';
    return nullptr;
  }
  try {
    store::sqlite::SqliteOptions options;
    options.migrate_on_open = false;  // store.migrations decides (store_schema.h)
    auto opened = store::openSqliteStore(load.config.store.path, std::move(options));
    const runtime::SchemaUpgrade upgrade = runtime::upgradeSchema(*opened, load.config);
    // Upgrading an existing store is worth a word: the operator asked for something else.
    if (!upgrade.created) {
      for (const auto& m : upgrade.applied) {
        std::cerr << "ferry: store " << load.config.store.path << ": applied schema migration "
                  << m.version << " (" << m.name << ")\n";
      }
    }
    if (config != nullptr) *config = std::move(load.config);
    return opened;
  } catch (const runtime::SchemaUpgradeRequired& e) {
    std::cerr << "ferry: " << e.what() << '\n';
    return nullptr;
  } catch (const std::exception& e) {
    std::cerr << "ferry: cannot open the store: " << e.what() << '\n';
    return nullptr;
  }
}

bool knownChannel(const runtime::EngineConfig& config, const std::string& name) {
  for (const auto& c : config.channels) {
    if (c.name == name) return true;
  }
  return false;
}

std::string operatorName() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  return "uid " + std::to_string(getuid());
}

std::string noteOf(const std::string& reason) {
  return "by " + operatorName() + (reason.empty() ? "" : ": " + reason);
}

std::optional<std::int64_t> parseId(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 18) {
    return std::nullopt;
  }
  return std::stoll(text);
}

std::string isoTime(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace ferry::cli
