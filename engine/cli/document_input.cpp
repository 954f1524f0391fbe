#include "engine/cli/document_input.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/cli/hl7_stream.h"
#include "parsers/fhir/reader.h"
#include "parsers/hl7v2/normalizer.h"
#include "parsers/xml/profile_set.h"
#include "parsers/xml/reader.h"

namespace ferry::cli {

namespace {

bool readAll(const std::string& input, std::string& out) {
  if (input == "-") {
    std::ostringstream s;
    s << std::cin.rdbuf();
    out = s.str();
    return true;
  }
  std::ifstream in(input, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

std::string peek(const std::string& input) {
  std::ifstream in(input, std::ios::binary);
  std::string head(64, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

const std::string shown(const std::string& input) { return input == "-" ? "<stdin>" : input; }

int readFhir(const std::string& input, std::string text, const DocumentHandlers& handlers) {
  fhir::ReadResult result = fhir::read(std::move(text));
  for (const auto& issue : result.issues) {
    std::cerr << "ferry: " << shown(input) << ": " << fhir::describe(issue) << '\n';
  }
  if (!result.ok()) return 1;
  handlers.on_message(result.message, 1, nullptr);
  return 0;
}

int readXml(const std::string& input, const std::string& text, const std::string& profiles_dir,
            const DocumentHandlers& handlers) {
  xml::ProfileSet profiles;
  try {
    profiles = xml::ProfileSet::load(profiles_dir);
  } catch (const std::exception& e) {
    std::cerr << "ferry: cannot load the XML profiles in '" << profiles_dir << "': " << e.what() << '\n';
    return 2;
  }
  xml::ReadResult result = xml::read(text, profiles);
  if (!result.message) {
    std::cerr << "ferry: " << shown(input) << ": " << result.error.describe() << '\n';
    return 1;
  }
  handlers.on_message(*result.message, 1, nullptr);
  return 0;
}

}  // namespace

Format detectFormat(const std::string& head) {
  std::size_t i = 0;
  if (head.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) ++i;
  if (i >= head.size()) return Format::Unknown;
  if (head[i] == '{') return Format::Fhir;
  if (head[i] == '<') return Format::Xml;
  const std::string id = head.substr(i, 3);
  if (head[i] == '\x0b' || id == "MSH" || id == "FHS" || id == "BHS") return Format::Hl7v2;
  return Format::Unknown;
}

std::string takeProfilesOption(std::vector<std::string>& args) {
  std::string dir = "samples/profiles";
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--profiles") {
      dir = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      break;
    }
  }
  return dir;
}

int forEachDocument(const std::string& input, const std::string& profiles_dir,
                    const DocumentHandlers& handlers, bool v2_passthrough) {
  std::string buffered;
  Format format = Format::Unknown;
  if (input == "-") {
    if (!readAll(input, buffered)) return 2;
    format = detectFormat(buffered.substr(0, 64));
  } else {
    std::ifstream probe(input, std::ios::binary);
    if (!probe) {
      std::cerr << "ferry: cannot open '" << input << "'\n";
      return 2;
    }
    format = detectFormat(peek(input));
  }
  if (format == Format::Fhir || format == Format::Xml) {
    if (input != "-" && !readAll(input, buffered)) return 2;
    return format == Format::Fhir ? readFhir(input, std::move(buffered), handlers)
                                  : readXml(input, buffered, profiles_dir, handlers);
  }
  if (format == Format::Unknown && !(input == "-" && buffered.empty())) {
    std::cerr << "ferry: " << shown(input)
              << ": byte 0: not a format Ferry reads (expected HL7 v2 starting with MSH, FHS or BHS, "
                 "FHIR JSON starting with '{', or XML starting with '<')\n";
    return 1;
  }
  // HL7 v2: streamed message by message (stdin was buffered above to detect the format).
  StreamHandlers v2;
  int status = 0;
  // Every message is normalized into this one, so its lists and strings are allocated once.
  hl7v2::Normalized normalized;
  v2.on_envelope = handlers.on_envelope;
  v2.on_message = [&](const hl7v2::Message& message, std::size_t number, const SourceSpan& at) {
    if (v2_passthrough) {
      handlers.on_message(canonical::Message{}, number, &message);
      return;
    }
    hl7v2::normalize(message, normalized);
    if (!normalized.ok()) {
      hl7v2::Error first = normalized.errors.front();
      if (normalized.errors.size() > 1) {
        first.text += " (and " + std::to_string(normalized.errors.size() - 1) + " more)";
      }
      reportError(input, number, first, at);
      status = 1;
      return;
    }
    for (const hl7v2::Error& warning : normalized.warnings) {
      hl7v2::Error w = warning;
      w.text = "warning: " + w.text;
      reportError(input, number, w, at);
    }
    handlers.on_message(normalized.message, number, &message);
  };
  const int stream_status = input == "-" ? forEachMessageIn(buffered, v2) : forEachMessage(input, v2);
  return stream_status != 0 ? stream_status : status;
}

}  // namespace ferry::cli
