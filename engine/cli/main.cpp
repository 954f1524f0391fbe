// ferry: one binary, one subcommand per job.
#include <iostream>
#include <string>

#include "engine/cli/command.h"

namespace {

void usage() {
  std::cerr << "usage: ferry <command> [args]\n"
               "  parse [--profiles DIR] FILE|-\n"
               "                            canonical JSON (ferry.canonical/v1), one line per message;\n"
               "                            HL7 v2, FHIR R4 JSON or insurer XML, detected from the content\n"
               "  get PATH FILE|-           the decoded value at an HL7 path (e.g. PID-5.1), a line per message\n"
               "  convert --to hl7v2|fhir|xml:PROFILE [--profiles DIR] FILE|-\n"
               "                            convert between formats through the canonical model\n"
               "  run CONFIG                start the engine on a configuration folder\n"
               "  validate CONFIG|FILE      check a configuration folder, or a message file (FHIR: OperationOutcome)\n"
               "  map --mapping FILE --in MESSAGE [--tables DIR] [--now ISO]\n"
               "                            run one mapping on a message: transformed canonical JSON and routes\n"
               "  test CONFIG [FILTER]      run the fixtures under CONFIG/tests; prints N passed, N failed\n"
               "  send --mllp HOST:PORT [--tls --cert F --key F --ca F] FILE...\n"
               "                            send messages over MLLP and print each ACK's MSA\n"
               "  send --http URL [--ca F] FILE...\n"
               "                            post FHIR JSON or insurer XML files; prints status and answer\n"
               "operators (on CONFIG's store, engine running or not; changes are recorded with who and why):\n"
               "  status CONFIG             channels (running, paused), messages and deliveries by status\n"
               "  messages CONFIG [--channel NAME] [--status STATUS] [--control-id ID] [--limit N]\n"
               "                            newest messages: id, time, channel, status, type, control id\n"
               "  history CONFIG ID [--raw] one message: its record, deliveries and every event\n"
               "  pause CONFIG CHANNEL [--reason TEXT]\n"
               "                            hold the channel's deliveries (still receiving); kept across restarts\n"
               "  resume CONFIG CHANNEL [--reason TEXT]\n"
               "  requeue CONFIG (DELIVERY_ID... | --all-dead) [--reason TEXT]\n"
               "                            send failed or dead deliveries again\n"
               "  reprocess CONFIG (MESSAGE_ID... | --errored [--channel NAME] [--limit N])\n"
               "            [--reason TEXT] [--dry-run]\n"
               "                            run errored (or filtered) messages through the current\n"
               "                            mappings and routes again, once their cause is fixed\n"
               "  prune CONFIG --older-than DAYS [--reason TEXT] [--dry-run]\n"
               "                            remove messages finished more than DAYS days ago (never one\n"
               "                            still owed to a destination); each purge is recorded\n"
               "  config-history CONFIG [--limit N] | --show ID [--file PATH] | --diff ID\n"
               "                            the configuration revisions `run` recorded: who, when, what changed\n"
               "  migrate CONFIG [--dry-run]\n"
               "                            the store's schema migrations, applied or pending; applies the\n"
               "                            pending ones (needed when ferry.json has \"migrations\": \"manual\")\n"
               "  backup CONFIG FILE        a consistent copy of the store in a new FILE, the engine running\n"
               "                            or not (it holds patient data: keep it as safe as the store)\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc < 2) {
    usage();
    return 2;
  }
  const std::string command = argv[1];
  const ferry::cli::Args args(argv + 2, argv + argc);
  if (command == "parse") return ferry::cli::parseCommand(args);
  if (command == "get") return ferry::cli::getCommand(args);
  if (command == "convert") return ferry::cli::convertCommand(args);
  if (command == "send") return ferry::cli::sendCommand(args);
  if (command == "run") return ferry::cli::runCommand(args);
  if (command == "validate") return ferry::cli::validateCommand(args);
  if (command == "map") return ferry::cli::mapCommand(args);
  if (command == "test") return ferry::cli::testCommand(args);
  if (command == "status") return ferry::cli::statusCommand(args);
  if (command == "messages") return ferry::cli::messagesCommand(args);
  if (command == "history") return ferry::cli::historyCommand(args);
  if (command == "pause") return ferry::cli::pauseCommand(args);
  if (command == "resume") return ferry::cli::resumeCommand(args);
  if (command == "requeue") return ferry::cli::requeueCommand(args);
  if (command == "reprocess") return ferry::cli::reprocessCommand(args);
  if (command == "prune") return ferry::cli::pruneCommand(args);
  if (command == "config-history") return ferry::cli::configHistoryCommand(args);
  if (command == "migrate") return ferry::cli::migrateCommand(args);
  if (command == "backup") return ferry::cli::backupCommand(args);
  if (command == "--help" || command == "help") {
    usage();
    return 0;
  }
  std::cerr << "ferry: unknown command '" << command << "'\n";
  usage();
  return 2;
}
