#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/cli/command.h"
#include "engine/cli/document_input.h"
#include "engine/runtime/config.h"
#include "mappings/mapping_set.h"
#include "parsers/fhir/issue.h"
#include "parsers/fhir/validator.h"

namespace ferry::cli {

namespace {

int validateConfig(const std::string& folder) {
  const runtime::ConfigLoad load = runtime::loadConfig(folder);
  for (const auto& e : load.errors) std::cerr << folder << "/" << e.describe() << '\n';
  if (!load.ok()) {
    std::cerr << load.errors.size() << " problem(s) found\n";
    return 1;
  }
  std::size_t destinations = 0;
  for (const auto& c : load.config.channels) destinations += c.destinations.size();
  const std::size_t mappings = load.config.mappings ? load.config.mappings->ids().size() : 0;
  const std::size_t tables = load.config.mappings ? load.config.mappings->tables().names().size() : 0;
  std::cout << "configuration valid: " << load.config.channels.size() << " channel(s), "
            << destinations << " destination(s), " << mappings << " mapping(s), " << tables
            << " code table(s)\n";
  return 0;
}

// FHIR: the issues as an OperationOutcome on stdout; exit 1 when any is an error.
int validateFhir(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const auto issues = fhir::validate(text.str());
  std::cout << fhir::operationOutcomeJson(issues) << '\n';
  for (const auto& issue : issues) {
    if (issue.severity == fhir::Severity::Error || issue.severity == fhir::Severity::Fatal) return 1;
  }
  return 0;
}

}  // namespace

// ferry validate CONFIG_FOLDER | FILE
//   a folder: the engine configuration (file, line and field of each problem);
//   a FHIR file: R4 validation, printed as an OperationOutcome;
//   an HL7 v2 or XML file: parsed and normalized, each problem on stderr.
int validateCommand(const Args& input_args) {
  Args args = input_args;
  const std::string profiles = takeProfilesOption(args);
  if (args.size() != 1) {
    std::cerr << "usage: ferry validate CONFIG_FOLDER | [--profiles DIR] FILE\n";
    return 2;
  }
  if (std::filesystem::is_directory(args[0])) return validateConfig(args[0]);
  std::ifstream probe(args[0], std::ios::binary);
  if (!probe) {
    std::cerr << "ferry: cannot open '" << args[0] << "'\n";
    return 2;
  }
  std::string head(64, '\0');
  probe.read(head.data(), 64);
  head.resize(static_cast<std::size_t>(probe.gcount()));
  if (detectFormat(head) == Format::Fhir) return validateFhir(args[0]);
  std::size_t messages = 0;
  DocumentHandlers handlers;
  handlers.on_message = [&](const canonical::Message&, std::size_t, const hl7v2::Message*) { ++messages; };
  const int status = forEachDocument(args[0], profiles, handlers);
  if (status == 0) std::cout << messages << " message(s) valid\n";
  return status;
}

}  // namespace ferry::cli
