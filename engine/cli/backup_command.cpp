// ferry backup CONFIG FILE: a consistent copy of a configuration's store, taken while the engine
// runs (Store::backupTo), checked by opening it and counting its messages. The copy holds every
// message's raw bytes: patient data, to be kept as carefully as the store itself. Prints one
// line of counts, never message contents. While it reads, checkpoints cannot pass its snapshot,
// so the WAL grows by what the engine writes meanwhile and shrinks back at the next checkpoint.

#include <filesystem>
#include <iostream>

#include "engine/cli/command.h"
#include "engine/cli/operator_support.h"
#include "engine/store/sqlite/sqlite_store.h"

namespace ferry::cli {

int backupCommand(const Args& args) {
  if (args.size() != 2 || args[0].rfind("--", 0) == 0 || args[1].rfind("--", 0) == 0) {
    std::cerr << "usage: ferry backup CONFIG FILE\n";
    return 2;
  }
  const std::string& file = args[1];
  runtime::EngineConfig config;
  auto store = openOperatorStore(args[0], &config);
  if (!store) return 1;
  try {
    store->backupTo(file);
    // The copy is only a backup if it opens: read it back as a store.
    store::sqlite::SqliteOptions options;
    options.migrate_on_open = false;
    auto copy = store::openSqliteStore(file, options);
    std::int64_t messages = 0;
    for (const auto& [status, count] : copy->countMessagesByStatus()) messages += count;
    copy.reset();
    // Opening the copy as a store gave it WAL side files; they are empty once it is closed.
    for (const char* suffix : {"-wal", "-shm", "-sent"}) {
      std::error_code ignored;
      std::filesystem::remove(file + suffix, ignored);
    }
    std::cout << "backup of " << config.store.path << " written to " << file << ": "
              << std::filesystem::file_size(file) << " bytes, " << messages << " messages\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "ferry: backup failed: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace ferry::cli
