#pragma once
// The `ferry` subcommands. Each takes its arguments after the subcommand name and returns the
// process exit status: 0 success, 1 some input was bad (reported on stderr), 2 usage error.

#include <string>
#include <vector>

namespace ferry::cli {

using Args = std::vector<std::string>;

int parseCommand(const Args& args);
int getCommand(const Args& args);
int convertCommand(const Args& args);
int sendCommand(const Args& args);      // send_command.cpp (MLLP client)
int sendHttpCommand(const Args& args);  // send_http.cpp (ferry send --http URL)
int runCommand(const Args& args);
int validateCommand(const Args& args);
int mapCommand(const Args& args);       // map_command.cpp (one mapping, offline)
int testCommand(const Args& args);      // test_command.cpp (fixtures under CONFIG/tests)
// operator_commands.cpp: the store of a configuration, running engine or not.
int statusCommand(const Args& args);
int messagesCommand(const Args& args);
int historyCommand(const Args& args);
int pauseCommand(const Args& args);
int resumeCommand(const Args& args);
int requeueCommand(const Args& args);
// reprocess_command.cpp: errored (or filtered) messages through the current configuration again.
int reprocessCommand(const Args& args);
// prune_command.cpp: retention by hand, on the store of a configuration.
int pruneCommand(const Args& args);
// config_history_command.cpp: the recorded revisions of a configuration, for auditors.
int configHistoryCommand(const Args& args);
// migrate_command.cpp: the store's schema migrations, listed and applied on an operator's word.
int migrateCommand(const Args& args);
// backup_command.cpp: a consistent copy of the store, the engine running or not.
int backupCommand(const Args& args);

}  // namespace ferry::cli
