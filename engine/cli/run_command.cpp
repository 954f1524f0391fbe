#include <csignal>
#include <iostream>
#include <memory>

#include "engine/cli/command.h"
#include "engine/cli/operator_support.h"
#include "engine/runtime/config.h"
#include "engine/runtime/config_revision.h"
#include "engine/runtime/engine.h"
#include "engine/runtime/store_schema.h"
#include "engine/store/sqlite/sqlite_store.h"

namespace ferry::cli {

namespace {

// A sentence for the operator's console, on stderr, only when the log goes to a file: when the
// log itself is stderr, its JSON line says the same, and a line of another shape there would
// break a log pipeline that reads one JSON object a line.
class Console {
 public:
  explicit Console(bool log_is_stderr) : quiet_(log_is_stderr) {}
  void say(const std::string& sentence) const {
    if (!quiet_) std::cerr << "ferry: " << sentence << '\n';
  }

 private:
  bool quiet_;
};

std::string jsonNames(const std::vector<std::string>& paths) {
  std::string out = "[";
  for (const auto& path : paths) out += (out.size() > 1 ? ",\"" : "\"") + runtime::jsonEscape(path) + "\"";
  return out + "]";
}

// The audit trail's record of this start: the configuration as a revision in the store, when it
// changed since the latest one. A configuration that cannot be recorded does not run (false,
// reported). The log line names files, never their contents.
bool recordConfiguration(store::Store& store, const runtime::EngineConfig& config, runtime::JsonLog& log,
                         const Console& console) {
  try {
    const runtime::RecordedConfig r =
        runtime::recordConfigRevision(store, config, operatorName(), "engine start");
    log.line(runtime::logLineStart(runtime::LogLevel::Info, r.recorded ? "config.revision_recorded" : "config.unchanged") +
             ",\"revision\":" + std::to_string(r.id) + ",\"digest\":\"" + r.digest.substr(0, 12) +
             "\",\"changed\":" + jsonNames(r.changes.changed) + ",\"added\":" + jsonNames(r.changes.added) +
             ",\"removed\":" + jsonNames(r.changes.removed) + "}");
    return true;
  } catch (const std::exception& e) {
    const std::string why = std::string("the configuration could not be recorded in the store, and an"
                                        " unaudited configuration does not run: ") + e.what();
    log.error("config.revision_failed", why);
    console.say("cannot start: " + why);
    return false;
  }
}

// The store as this start needs it, before the engine accepts anything: its schema brought up
// to date as store.migrations allows (store_schema.h; a "manual" store with pending migrations
// is left as it is and does not run), then the configuration recorded. False, reported, when
// either fails.
bool prepareStore(const runtime::EngineConfig& config, runtime::JsonLog& log, const Console& console) {
  std::unique_ptr<store::Store> store;  // its own short-lived handle: the engine opens it again
  try {
    store::sqlite::SqliteOptions options;
    options.migrate_on_open = false;
    store = store::openSqliteStore(config.store.path, std::move(options));
    runtime::logMigrations(log, config.store.path, runtime::upgradeSchema(*store, config));
  } catch (const runtime::SchemaUpgradeRequired& e) {
    log.error("store.migrations_pending", e.what());
    console.say(std::string("cannot start: ") + e.what());
    return false;
  } catch (const std::exception& e) {
    log.error("engine.start_failed", e.what());
    console.say(std::string("cannot start: ") + e.what());
    return false;
  }
  return recordConfiguration(*store, config, log, console);
}

}  // namespace

// ferry run CONFIG : upgrades the store's schema when store.migrations allows it (and refuses
// to start when it does not), records the configuration as a revision when it changed, starts
// the engine and runs until SIGTERM or SIGINT, then stops accepting, finishes in-flight work,
// flushes and exits 0.
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
  sigaddset(&stop_signals, SIGHUP);  // not a stop: the log file is opened again (logrotate)
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  // Under a file size limit (ulimit -f) a write past it would end the process by default; ignored,
  // it fails with EFBIG instead, and the store reports it like a full disk.
  std::signal(SIGXFSZ, SIG_IGN);

  runtime::JsonLog log(load.config.log_file);
  log.setLevel(runtime::parseLogLevel(load.config.log_level).value_or(runtime::LogLevel::Info));
  const Console console(load.config.log_file.empty());
  if (!prepareStore(load.config, log, console)) return 1;
  runtime::Engine engine(load.config, log);
  try {
    engine.start();
  } catch (const std::exception& e) {
    log.error("engine.start_failed", e.what());
    console.say(std::string("cannot start: ") + e.what());
    return 1;
  }
  for (const auto& c : load.config.channels) {
    if (!c.enabled) continue;
    console.say(c.source.type == "file"
                    ? "channel " + c.name + " polling " + c.source.folder
                    : "channel " + c.name + " listening on " + c.source.host + ":" + std::to_string(engine.port(c.name)));
  }
  int signal = 0;
  for (;;) {
    sigwait(&stop_signals, &signal);
    if (signal != SIGHUP) break;
    log.reopen();
  }
  log.info("engine.stopping", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  engine.stop();
  return 0;
}

}  // namespace ferry::cli
