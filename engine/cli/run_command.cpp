#include <csignal>
#include <iostream>

#include "engine/cli/command.h"
#include "engine/runtime/config.h"
#include "engine/runtime/engine.h"

namespace ferry::cli {

// ferry run CONFIG : starts the engine and runs until SIGTERM or SIGINT, then stops accepting,
// finishes in-flight work, flushes and exits 0.
int runCommand(const Args& args) {
  if (args.size() != 1) {
    std::cerr << "usage: ferry run CONFIG_FOLDER\n";
    return 2;
  }
  const runtime::ConfigLoad load = runtime::loadConfig(args[0]);
  if (!load.ok()) {
    for (const auto& e : load.errors) std::cerr << "ferry: " << args[0] << "/" << e.describe() << '\n';
    return 2;
  }
  // Block the stop signals before any thread starts, so every thread inherits the mask and the
  // main thread alone receives them through sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  runtime::JsonLog log(load.config.log_file);
  runtime::Engine engine(load.config, log);
  try {
    engine.start();
  } catch (const std::exception& e) {
    log.error("engine.start_failed", e.what());
    std::cerr << "ferry: cannot start: " << e.what() << '\n';
    return 1;
  }
  for (const auto& c : load.config.channels) {
    if (c.enabled) std::cerr << "ferry: channel " << c.name << " listening on " << c.source.host << ":" << engine.port(c.name) << '\n';
  }
  int signal = 0;
  sigwait(&stop_signals, &signal);
  log.info("engine.stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  engine.stop();
  return 0;
}

}  // namespace ferry::cli
