// ferry map --mapping FILE --in MESSAGE [--tables DIR] [--profiles DIR] [--now ISO] [--key NAME=FILE]
//
// Runs one mapping offline on a message file and prints, per message, what the engine would
// decide: the outcome (routed, dropped, errored with the rule), the routes and destinations,
// the edits of the outgoing v2 message, and the transformed canonical JSON. Nothing is stored
// or sent; an analyst tries a rule change here before deploying it.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "engine/canonical/json_writer.h"
#include "engine/cli/command.h"
#include "engine/cli/hl7_stream.h"
#include "engine/runtime/inbound_decoder.h"
#include "mappings/mapping.h"
#include "mappings/table_set.h"
#include "parsers/xml/profile_set.h"

namespace ferry::cli {

namespace {

namespace fs = std::filesystem;
using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

struct MapOptions {
  std::string mapping;
  std::string input;
  std::string tables;
  std::string profiles;
  std::string now;
  mappings::Keys keys;
};

int usageError(const std::string& why) {
  std::cerr << "ferry map: " << why << "\n"
            << "usage: ferry map --mapping FILE --in MESSAGE [--tables DIR] [--profiles DIR] "
               "[--now ISO-DATETIME] [--key NAME=FILE]\n";
  return 2;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void strings(Writer& w, const char* name, const std::vector<std::string>& values) {
  w.Key(name);
  w.StartArray();
  for (const auto& v : values) w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  w.EndArray();
}

std::string_view kindName(mappings::Outcome::Kind kind) {
  switch (kind) {
    case mappings::Outcome::Kind::Routed: return "routed";
    case mappings::Outcome::Kind::Dropped: return "dropped";
    case mappings::Outcome::Kind::Errored: break;
  }
  return "errored";
}

// One message's result as a pretty JSON object on stdout.
void print(const mappings::Mapping& mapping, const mappings::Outcome& outcome,
           const canonical::Message& message) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("mapping");
  w.String(mapping.id().c_str());
  w.Key("outcome");
  w.String(std::string(kindName(outcome.kind)).c_str());
  if (!outcome.rule.empty()) {
    w.Key("rule");
    w.String(outcome.rule.c_str());
    w.Key("reason");
    w.String(outcome.reason.c_str());
  }
  strings(w, "routes", outcome.routes);
  strings(w, "destinations", outcome.destinations);
  w.Key("outgoing");
  w.StartArray();
  for (const auto& edit : outcome.outgoing) {
    w.StartObject();
    w.Key("path");
    w.String(edit.path.c_str());
    w.Key(edit.remove ? "remove" : "value");
    if (edit.remove) w.Bool(true); else w.String(edit.value.c_str());
    w.EndObject();
  }
  w.EndArray();
  rapidjson::Document canonical;
  canonical.Parse(canonical::toJson(message).c_str());
  w.Key("message");
  canonical.Accept(w);
  w.EndObject();
  std::cout << buffer.GetString() << '\n';
}

std::optional<MapOptions> parseOptions(const Args& args, int& status) {
  MapOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (i + 1 >= args.size()) {
      status = usageError("'" + arg + "' needs a value");
      return std::nullopt;
    }
    const std::string& value = args[++i];
    if (arg == "--mapping") o.mapping = value;
    else if (arg == "--in") o.input = value;
    else if (arg == "--tables") o.tables = value;
    else if (arg == "--profiles") o.profiles = value;
    else if (arg == "--now") o.now = value;
    else if (arg == "--key") {
      const auto eq = value.find('=');
      if (eq == std::string::npos || !fs::is_regular_file(value.substr(eq + 1))) {
        status = usageError("--key takes NAME=FILE with an existing FILE");
        return std::nullopt;
      }
      o.keys[value.substr(0, eq)] = readFile(value.substr(eq + 1));
    } else {
      status = usageError("unknown option '" + arg + "'");
      return std::nullopt;
    }
  }
  if (o.mapping.empty() || o.input.empty()) {
    status = usageError("--mapping and --in are required");
    return std::nullopt;
  }
  // A mapping lives in CONFIG/mappings/: its tables and profiles are the configuration's.
  const fs::path config = fs::path(o.mapping).parent_path().parent_path();
  if (o.tables.empty()) o.tables = (config / "tables").string();
  if (o.profiles.empty()) {
    o.profiles = fs::is_directory(config / "profiles") ? (config / "profiles").string() : "samples/profiles";
  }
  return o;
}

}  // namespace

int mapCommand(const Args& args) {
  int status = 0;
  const auto options = parseOptions(args, status);
  if (!options) return status;

  std::vector<mappings::LoadError> errors;
  const mappings::TableSet tables = mappings::TableSet::load(options->tables, errors);
  const auto mapping = mappings::Mapping::load(options->mapping, tables, options->keys, errors);
  for (const auto& e : errors) std::cerr << e.describe() << '\n';
  if (!mapping) return 1;
  xml::ProfileSet profiles;
  if (fs::is_directory(options->profiles)) profiles = xml::ProfileSet::load(options->profiles);
  const runtime::InboundDecoder decoder(&profiles);
  mappings::Environment environment =
      options->now.empty() ? mappings::Environment::system() : mappings::Environment::fixed(options->now, 1);

  if (!fs::is_regular_file(options->input)) return usageError("cannot open '" + options->input + "'");
  const std::string raw = readFile(options->input);
  int result = 0;
  const auto run = [&](runtime::Decoded decoded, std::string_view bytes, const hl7v2::Message* parsed) {
    if (!decoded.ok()) {
      std::cerr << options->input << ": " << decoded.error << '\n';
      result = 1;
      return;
    }
    mappings::Source source;
    source.raw = bytes;
    source.hl7 = parsed;
    source.format = decoded.format == runtime::InboundFormat::Hl7v2 ? mappings::Source::Format::Hl7v2
                    : decoded.format == runtime::InboundFormat::Fhir ? mappings::Source::Format::Json
                                                                     : mappings::Source::Format::Xml;
    const mappings::Outcome outcome = mapping->apply(decoded.message, source, environment);
    if (outcome.kind == mappings::Outcome::Kind::Errored) result = 1;
    print(*mapping, outcome, decoded.message);
  };
  if (runtime::detectInboundFormat(raw) == runtime::InboundFormat::Hl7v2) {
    StreamHandlers handlers;
    handlers.on_message = [&](const hl7v2::Message& m, std::size_t, const SourceSpan&) {
      run(decoder.decode(m), m.bytes(), &m);
    };
    const int stream = forEachMessageIn(raw, handlers);
    return stream != 0 ? stream : result;
  }
  run(decoder.decode(raw), raw, nullptr);
  return result;
}

}  // namespace ferry::cli
