#include <filesystem>
#include <iostream>

#include "engine/cli/command.h"
#include "engine/runtime/config.h"

namespace ferry::cli {

// ferry validate CONFIG : checks every configuration file and names file, line and field of
// each problem. Exit 0 when valid, 1 when not.
int validateCommand(const Args& args) {
  if (args.size() != 1) {
    std::cerr << "usage: ferry validate CONFIG_FOLDER\n";
    return 2;
  }
  if (!std::filesystem::is_directory(args[0])) {
    std::cerr << "ferry: validate expects a configuration folder (with ferry.json), got '" << args[0] << "'\n";
    return 2;
  }
  const runtime::ConfigLoad load = runtime::loadConfig(args[0]);
  for (const auto& e : load.errors) std::cerr << args[0] << "/" << e.describe() << '\n';
  if (!load.ok()) {
    std::cerr << load.errors.size() << " problem(s) found\n";
    return 1;
  }
  std::size_t destinations = 0;
  for (const auto& c : load.config.channels) destinations += c.destinations.size();
  std::cout << "configuration valid: " << load.config.channels.size() << " channel(s), "
            << destinations << " destination(s)\n";
  return 0;
}

}  // namespace ferry::cli
