// ferry send --http URL [--ca FILE] [--cert FILE --key FILE] [--content-type TYPE] [--timeout MS] FILE...
//
// Posts each FILE whole (a FHIR resource or Bundle, an insurer XML document) to URL and prints
// the HTTP status and the answer's body (for Ferry and FHIR servers an OperationOutcome).
// The content type follows the content: '{' FHIR JSON, '<' XML, MSH HL7 v2.

#include <fstream>
#include <iostream>
#include <sstream>

#include "channels/http/sender.h"
#include "engine/cli/command.h"
#include "engine/runtime/inbound_decoder.h"

namespace ferry::cli {

namespace {

constexpr const char* kHttpUsage =
    "usage: ferry send --http URL [--ca FILE] [--cert FILE --key FILE] [--content-type TYPE] "
    "[--timeout MS] FILE...\n";

int httpUsageError(const std::string& text) {
  std::cerr << "ferry send: " << text << '\n' << kHttpUsage;
  return 2;
}

std::string contentTypeOf(const std::string& body) {
  switch (runtime::detectInboundFormat(body)) {
    case runtime::InboundFormat::Fhir: return "application/fhir+json";
    case runtime::InboundFormat::Xml: return "application/xml";
    case runtime::InboundFormat::Hl7v2: return "x-application/hl7-v2+er7";
    case runtime::InboundFormat::Unknown: break;
  }
  return "application/octet-stream";
}

}  // namespace

int sendHttpCommand(const Args& args) {
  http::Sender::Config config;
  std::string content_type;
  std::vector<std::string> files;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool takes_value = arg == "--http" || arg == "--ca" || arg == "--cert" || arg == "--key" ||
                             arg == "--content-type" || arg == "--timeout";
    if (!takes_value) {
      if (arg.starts_with("--")) return httpUsageError("unknown option '" + arg + "'");
      files.push_back(arg);
      continue;
    }
    if (i + 1 >= args.size()) return httpUsageError(arg + " needs a value");
    const std::string& value = args[++i];
    if (arg == "--http") config.url = value;
    else if (arg == "--ca") config.ca_file = value;
    else if (arg == "--cert") config.client_certificate_file = value;
    else if (arg == "--key") config.client_private_key_file = value;
    else if (arg == "--content-type") content_type = value;
    else {
      try {
        config.timeout = std::chrono::milliseconds(std::stoul(value));
      } catch (const std::exception&) {
        return httpUsageError("--timeout takes a number of milliseconds");
      }
    }
  }
  if (config.url.empty()) return httpUsageError("--http URL is required");
  if (files.empty()) return httpUsageError("no FILE given");
  std::optional<http::Sender> sender;
  try {
    sender.emplace(config);
  } catch (const std::invalid_argument& e) {
    std::cerr << "ferry: " << e.what() << '\n';
    return 2;
  }
  int status = 0;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << "ferry: cannot open '" << file << "'\n";
      return 2;
    }
    std::ostringstream body;
    body << in.rdbuf();
    const std::string text = body.str();
    const http::SendResult result = sender->post(text, content_type.empty() ? contentTypeOf(text) : content_type);
    if (result.status == 0) {
      std::cerr << "ferry: " << file << ": not delivered: " << result.error << '\n';
      return 1;
    }
    std::cout << file << ": HTTP " << result.status << '\n';
    if (!result.body.empty()) std::cout << result.body << '\n';
    if (result.outcome != http::Outcome::Delivered) status = 1;
  }
  return status;
}

}  // namespace ferry::cli
