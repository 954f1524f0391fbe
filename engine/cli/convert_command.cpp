#include <iostream>

#include "engine/cli/command.h"
#include "engine/cli/document_input.h"
#include "parsers/fhir/writer.h"
#include "parsers/hl7v2/canonical_writer.h"
#include "parsers/xml/profile_set.h"
#include "parsers/xml/writer.h"

namespace ferry::cli {

namespace {

// HL7 v2 written from another format: a result report when there are results, else an update of
// the patient's visit.
hl7v2::WriteOptions v2Options(const canonical::Message& message) {
  hl7v2::WriteOptions options;
  const auto& h = message.header;
  const bool v2_type = h.message_type == "ORU" || (h.message_type == "ADT" && (h.trigger_event == "A01" || h.trigger_event == "A08"));
  if (!v2_type) {
    options.message_type = message.observations.empty() ? "ADT" : "ORU";
    options.trigger_event = message.observations.empty() ? "A08" : "R01";
  }
  return options;
}

}  // namespace

// ferry convert --to hl7v2|fhir|xml:PROFILE [--profiles DIR] FILE|- : reads any supported format
// and writes the target through the canonical model. HL7 v2 to HL7 v2 writes the parsed message
// back: unchanged input gives identical bytes (batch envelopes included, line ends as \r).
int convertCommand(const Args& input_args) {
  Args args = input_args;
  const std::string profiles_dir = takeProfilesOption(args);
  if (args.size() != 3 || args[0] != "--to") {
    std::cerr << "usage: ferry convert --to hl7v2|fhir|xml:PROFILE [--profiles DIR] FILE|-\n";
    return 2;
  }
  const std::string target = args[1];
  xml::ProfileSet profiles;
  const xml::Profile* profile = nullptr;
  if (target.rfind("xml:", 0) == 0) {
    try {
      profiles = xml::ProfileSet::load(profiles_dir);
    } catch (const std::exception& e) {
      std::cerr << "ferry: cannot load the XML profiles in '" << profiles_dir << "': " << e.what() << '\n';
      return 2;
    }
    profile = profiles.find(target.substr(4));
    if (profile == nullptr) {
      std::cerr << "ferry: no XML profile named '" << target.substr(4) << "' in " << profiles_dir
                << " (known: " << profiles.describe() << ")\n";
      return 2;
    }
  } else if (target != "hl7v2" && target != "fhir") {
    std::cerr << "ferry: convert --to " << target << ": expected hl7v2, fhir or xml:PROFILE\n";
    return 2;
  }

  int status = 0;
  DocumentHandlers handlers;
  handlers.on_message = [&](const canonical::Message& message, std::size_t number, const hl7v2::Message* original) {
    if (target == "hl7v2") {
      if (original != nullptr) {
        std::cout << original->bytes();
        return;
      }
      auto written = hl7v2::writeV2(message, v2Options(message));
      if (!written) {
        std::cerr << "ferry: message " << number << ": cannot write HL7 v2: " << written.error().text << '\n';
        status = 1;
        return;
      }
      std::cout << *written;
    } else if (target == "fhir") {
      std::cout << fhir::writeBundle(message, fhir::BundleType::Transaction) << '\n';
    } else {
      const xml::WriteResult written = xml::write(message, *profile);
      if (!written.error.empty()) {
        std::cerr << "ferry: message " << number << ": cannot write " << target << ": " << written.error << '\n';
        status = 1;
        return;
      }
      std::cout << written.xml << '\n';
    }
  };
  if (target == "hl7v2") {
    handlers.on_envelope = [](std::string_view segment) { std::cout << segment << '\r'; };
  }
  const int read_status = forEachDocument(args[2], profiles_dir, handlers, /*v2_passthrough=*/target == "hl7v2");
  std::cout.flush();
  return read_status != 0 ? read_status : status;
}

}  // namespace ferry::cli
