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
int runCommand(const Args& args);
int validateCommand(const Args& args);

}  // namespace ferry::cli
